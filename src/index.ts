/**
 * The KubeCure GitHub App. Wiring only: the report intake, health and metrics routes, the job
 * queue, and the webhook events KubeCure reacts to. Everything else lives in its own module.
 */
import type { ApplicationFunctionOptions, Probot } from 'probot';
import { createRuntime } from './app/runtime.js';
import { onPullRequestClosed } from './app/on-pull-request-closed.js';
import { CONFIG_CHECK_EVENTS, createConfigCheck } from './app/config-check.js';
import { COMMAND_EVENTS, createReviewLoop } from './commands/review-loop.js';

export default async (app: Probot, { addHandler }: ApplicationFunctionOptions): Promise<void> => {
  // The review loop verifies merged fixes from recovery reports, which arrive through the runtime's queue.
  const runtime = createRuntime({ app, onRecovery: (report) => reviewLoop.onRecovery(report) });
  const reviewLoop = createReviewLoop({ app, correlator: runtime.correlator, shared: { redis: runtime.redis, model: runtime.model, reports: runtime.reports } });
  for (const handler of runtime.handlers) addHandler(handler);
  app.on('pull_request.closed', onPullRequestClosed);
  app.on('pull_request.closed', reviewLoop.onMerged);
  app.on(COMMAND_EVENTS, reviewLoop.onCommand);
  app.on(CONFIG_CHECK_EVENTS, createConfigCheck(runtime.metrics));
  // Not awaited: Probot opens the HTTP port only after this function returns, and the port must
  // open even while Redis is down, so /kubecure/readyz can say so (503) while /kubecure/healthz
  // shows the process alive. The worker starts taking jobs as soon as Redis answers.
  runtime.start().catch((error: unknown) => app.log.error({ err: error }, 'The job worker could not start'));
  runtime.closeOnShutdown();
};
