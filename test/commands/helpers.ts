/** Webhook payloads for commands and a Probot app with only the review loop loaded. */
import { readFileSync } from 'node:fs';
import type { Probot } from 'probot';
import { remediate } from '../../src/remediate.js';
import { silentLogger } from '../../src/logger.js';
import { encodeMarker } from '../../src/github/marker.js';
import { fingerprintOf } from '../../src/report/fingerprint.js';
import type { FailureReport } from '../../src/report/schema.js';
import type { DiagnosisModel } from '../../src/diagnose/llm/model.js';
import { createCommandHandler } from '../../src/commands/handler.js';
import { MemoryLedger, type CommandLedger } from '../../src/commands/ledger.js';
import { MemoryThreadReportStore } from '../../src/github/thread-reports.js';
import { INSTALLATION, OWNER, REPO, oomReport, testProbot, type GitHubMock } from '../app/github-mock.js';

export const MANIFEST = 'apps/checkout/deployment.yaml';
export const BRANCH = 'kubecure/shop/checkout-oomkilled';
export const ENCODED_BRANCH = encodeURIComponent(BRANCH);
export const APP_LOGIN = 'kubecure[bot]';

export function eventFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/events/comments/${name}.json`, import.meta.url), 'utf8')) as T;
}

/**
 * The App's store of the report behind each thread, as the report processor fills it when it opens
 * the thread: the marker in the body names the failure, the store holds its report.
 */
export const threadReports = new MemoryThreadReportStore();

export function threadBody(kind: 'pull_request' | 'issue', report: FailureReport = oomReport(), extra = ''): string {
  void threadReports.save({ owner: OWNER, repo: REPO }, fingerprintOf(report), report);
  const marker = encodeMarker({
    fingerprint: fingerprintOf(report),
    thread: kind,
    report,
    targetFile: MANIFEST,
    diagnosedBy: 'rules',
    createdAt: '2026-11-22T00:10:00Z',
  });
  return `KubeCure saw **OOMKilled** on \`checkout\`.\n\n${extra}${marker}\n`;
}

export interface CommentOptions {
  body: string;
  kind?: 'pull_request' | 'issue';
  number?: number;
  commentId?: number;
  author?: { login: string; type: string };
  threadBody?: string;
  threadAuthor?: { login: string; type: string };
  state?: 'open' | 'closed';
  locked?: boolean;
}

/** An `issue_comment.created` payload on a KubeCure pull request (or issue). */
export function commentPayload(options: CommentOptions): any {
  const payload = eventFixture('issue_comment.created');
  const kind = options.kind ?? 'pull_request';
  payload.comment.body = options.body;
  payload.comment.id = options.commentId ?? payload.comment.id;
  if (options.author) payload.comment.user = payload.sender = { ...payload.comment.user, ...options.author };
  payload.issue.number = options.number ?? (kind === 'pull_request' ? 7 : 9);
  payload.issue.body = options.threadBody ?? threadBody(kind);
  if (options.threadAuthor) payload.issue.user = { ...payload.issue.user, ...options.threadAuthor };
  payload.issue.state = options.state ?? 'open';
  payload.issue.locked = options.locked ?? false;
  if (kind === 'issue') delete payload.issue.pull_request;
  return payload;
}

export function loadCommands(options: { model?: DiagnosisModel | null; ledger?: CommandLedger } = {}): Probot {
  const probot = testProbot();
  const handler = createCommandHandler({ remediate, model: options.model ?? null, ledger: options.ledger ?? new MemoryLedger(), reports: threadReports, logger: silentLogger });
  probot.load((app) => {
    app.on(['issue_comment.created', 'pull_request_review.submitted', 'pull_request_review_comment.created'], handler);
  });
  return probot;
}

/** The installation token Probot asks for before its first call in a test. */
export function token(github: GitHubMock): void {
  github.scope.post(`/app/installations/${INSTALLATION}/access_tokens`).reply(201, { token: 'test-token', expires_at: '2099-01-01T00:00:00Z', permissions: {} });
}

/** Records request bodies by name for assertions after the run. */
export function recorder(): { bodies: Record<string, any>; take: (name: string) => (body: any) => boolean } {
  const bodies: Record<string, any> = {};
  return {
    bodies,
    take: (name) => (body) => {
      bodies[name] = body;
      return true;
    },
  };
}
