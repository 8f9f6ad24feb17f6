/** What every command handler receives and returns. */
import type { Logger } from '../logger.js';
import type { GitHub } from '../github/octokit.js';
import type { DiagnosisModel } from '../diagnose/llm/model.js';
import type { remediate as remediateFn } from '../remediate.js';
import type { CommandEvent, PullFacts } from './event.js';
import type { CommandLedger } from './ledger.js';
import type { ThreadReportStore } from '../github/thread-reports.js';

export interface CommandDeps {
  remediate: typeof remediateFn;
  model: DiagnosisModel | null;
  ledger: CommandLedger;
  /** The failure report behind each thread (the marker names it, the store holds it). */
  reports: ThreadReportStore;
  logger: Logger;
}

export interface CommandRun {
  octokit: GitHub;
  event: CommandEvent;
  deps: CommandDeps;
  /** The pull request's head branch and origin (fetched once, only when a command needs it). */
  pull(): Promise<PullFacts>;
}

/** `ok` decides the final reaction: 🚀 when every command did what was asked, else 😕. */
export interface CommandResult {
  ok: boolean;
  reply: string;
}
