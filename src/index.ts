/**
 * The KubeCure GitHub App. Wiring only: the report intake, health and metrics routes, the job
 * queue, and the webhook events KubeCure reacts to. Everything else lives in its own module.
 */
import type { ApplicationFunctionOptions, Probot } from 'probot';
import { createRuntime } from './app/runtime.js';
import { onPullRequestClosed } from './app/on-pull-request-closed.js';

export default async (app: Probot, { addHandler }: ApplicationFunctionOptions): Promise<void> => {
  const runtime = createRuntime({ app });
  for (const handler of runtime.handlers) addHandler(handler);
  app.on('pull_request.closed', onPullRequestClosed);
  await runtime.start();
  runtime.closeOnShutdown();
};
