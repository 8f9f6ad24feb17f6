/**
 * The webhook side of commands: from a comment to replies.
 *
 *   bots out → commands? → KubeCure's thread? → once per comment → 👀 → refusals → run each → 🚀/😕
 *
 * Every guard returns early. A comment that is not a command on a KubeCure thread gets no
 * reaction at all: KubeCure only speaks where it was spoken to.
 */
import type { Context } from 'probot';
import { statusOf, type GitHub } from '../github/octokit.js';
import { findFingerprint } from '../github/marker.js';
import { isOwnBot } from '../github/app-identity.js';
import { needsWriteAccess, omittedCommandsNote, readCommands, type Command } from './parse.js';
import { readCommandEvent, type CommandEvent, type CommandEventName, type PullFacts } from './event.js';
import { canWrite } from './permission.js';
import { retry } from './retry.js';
import { explain } from './explain.js';
import { ignore, unignore } from './ignore.js';
import { reviewMessages } from '../github/messages.js';
import { rateLimitDelay } from '../github/rate-limit.js';
import { CLAIM_TTL_SECONDS, LEASE_SECONDS } from './ledger.js';
import type { CommandDeps, CommandResult, CommandRun } from './types.js';

export type { CommandDeps } from './types.js';

type Reaction = 'eyes' | 'rocket' | 'confused';

/** KubeCure's threads are opened by its own bot account and carry its fingerprint. */
function isKubeCureThread(event: CommandEvent): boolean {
  return isOwnBot(event.thread.author) && findFingerprint(event.thread.body) !== null;
}

/** Never act on bots, and never on KubeCure's own comments (the thread's author is the App). */
function fromBot(event: CommandEvent): boolean {
  return event.sender.type === 'Bot' || event.author.type === 'Bot' || event.author.login === event.thread.author.login;
}

async function react(octokit: GitHub, event: CommandEvent, content: Reaction): Promise<void> {
  const where = { ...event.repository, comment_id: event.id, content };
  if (event.source === 'issue_comment') await octokit.rest.reactions.createForIssueComment(where);
  else if (event.source === 'review_comment') await octokit.rest.reactions.createForPullRequestReviewComment(where);
  // Review bodies cannot carry reactions; the reply is the acknowledgement.
}

async function reply(octokit: GitHub, event: CommandEvent, body: string): Promise<void> {
  await octokit.rest.issues.createComment({ ...event.repository, issue_number: event.thread.number, body });
}

function pullLoader(octokit: GitHub, event: CommandEvent): () => Promise<PullFacts> {
  let loaded: Promise<PullFacts> | null = event.pull ? Promise.resolve(event.pull) : null;
  return () => {
    loaded ??= octokit.rest.pulls.get({ ...event.repository, pull_number: event.thread.number }).then(({ data }) => ({
      headRef: data.head.ref,
      fork: data.head.repo?.full_name !== data.base.repo.full_name,
    }));
    return loaded;
  };
}

/** Why the thread itself rules commands out, or null. */
async function threadRefusal(run: CommandRun, command: Command): Promise<string | null> {
  const { thread } = run.event;
  if (thread.locked) return reviewMessages.refusedLocked;
  if (thread.state === 'closed' && command.name !== 'unignore' && command.name !== 'help') return reviewMessages.refusedClosed;
  if (thread.kind === 'pull_request' && (command.name === 'retry' || command.name === 'explain') && (await run.pull()).fork) return reviewMessages.refusedFork;
  return null;
}

/**
 * Anyone may ask for an explanation, and each one re-runs the diagnosis (and perhaps a paid model
 * call): one per thread per interval keeps a busy or hostile thread from turning it into a cost.
 * The interval runs from the last explanation given (a sliding window, not clock buckets).
 */
const EXPLAIN_INTERVAL_MS = 10 * 60_000;

async function explainOnce(run: CommandRun): Promise<CommandResult> {
  const { repository, thread } = run.event;
  const key = `explain:${repository.owner}/${repository.repo}#${thread.number}`;
  if (!(await run.deps.ledger.claim(key, EXPLAIN_INTERVAL_MS / 1000))) {
    return { ok: false, reply: reviewMessages.explainedRecently(EXPLAIN_INTERVAL_MS / 60_000) };
  }
  try {
    return await explain(run);
  } catch (error) {
    // No explanation was given, so the next request must not be refused because of this one.
    await run.deps.ledger.release(key);
    throw error;
  }
}

/**
 * A failure GitHub's redelivery can cure: a network error, a timeout, GitHub's 5xx or a rate
 * limit. Anything else (a 4xx, a bug) fails the same way again, so it is answered instead.
 */
function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  // Octokit reports network errors and timeouts as status 500.
  return (status !== undefined && status >= 500) || rateLimitDelay(error) !== null;
}

async function execute(run: CommandRun, command: Command): Promise<CommandResult> {
  switch (command.name) {
    case 'retry':
      return retry(run, command.hint);
    case 'explain':
      return explainOnce(run);
    case 'ignore':
      return ignore(run);
    case 'unignore':
      return unignore(run);
    case 'help':
      return { ok: true, reply: reviewMessages.help };
    case 'unknown':
      return { ok: false, reply: `${reviewMessages.unknownCommand(command.word)}\n\n${reviewMessages.help}` };
  }
}

/** A command's result as the ledger keeps it: written before the reply, marked once the reply is posted. */
interface RecordedResult extends CommandResult {
  replied: boolean;
}

async function recalled(deps: CommandDeps, key: string): Promise<RecordedResult | null> {
  const value = await deps.ledger.recall(key);
  return value === null ? null : (JSON.parse(value) as RecordedResult);
}

async function record(deps: CommandDeps, key: string, result: RecordedResult): Promise<void> {
  await deps.ledger.keep(key, CLAIM_TTL_SECONDS, JSON.stringify(result));
}

/** One command's result: a refusal, what it did, or (for a failure redelivery cannot cure) an apology. */
async function resultOf(run: CommandRun, command: Command, writer: { allowed: boolean | null }, log: Record<string, unknown>): Promise<CommandResult> {
  const { octokit, event, deps } = run;
  try {
    const refusal = await threadRefusal(run, command);
    if (refusal) return { ok: false, reply: refusal };
    if (needsWriteAccess(command) && !(writer.allowed ??= await canWrite(octokit, event.repository, event.author.login))) {
      return { ok: false, reply: reviewMessages.refusedPermission(event.author.login, `/kubecure ${command.name}`) };
    }
    return await execute(run, command);
  } catch (error) {
    if (isTransient(error)) throw error;
    deps.logger.error({ ...log, command: command.name, err: error }, 'Command failed');
    return { ok: false, reply: reviewMessages.commandFailed(`/kubecure ${command.name}`) };
  }
}

/**
 * Runs a comment's commands, each exactly once: its result is recorded as soon as its effect is
 * done, so a redelivery after a failure (GitHub 500 on the reply, a crash) posts the recorded
 * reply instead of running the command again, and picks up at the first command not yet run.
 * A transient failure propagates: the webhook answers 5xx and GitHub may redeliver it.
 */
async function runCommands(run: CommandRun, commands: Command[], claimKey: string, log: Record<string, unknown>): Promise<void> {
  const { octokit, event, deps } = run;
  // Idempotent on GitHub's side: the same reaction from the same account is not added twice.
  await react(octokit, event, 'eyes');
  let allOk = true;
  const writer = { allowed: null as boolean | null };
  for (const [index, command] of commands.entries()) {
    const key = `${claimKey}:${index}`;
    let result = await recalled(deps, key);
    if (!result) {
      result = { ...(await resultOf(run, command, writer, log)), replied: false };
      deps.logger.info({ ...log, command: command.name, ok: result.ok }, 'Command handled');
      await record(deps, key, result);
    }
    allOk &&= result.ok;
    if (result.replied) continue;
    await reply(octokit, event, result.reply);
    await record(deps, key, { ...result, replied: true });
  }
  await react(octokit, event, allOk ? 'rocket' : 'confused');
}

export function createCommandHandler(deps: CommandDeps): (context: Context<CommandEventName>) => Promise<void> {
  return async (context) => {
    const event = readCommandEvent(context);
    const log = { repository: `${event.repository.owner}/${event.repository.repo}`, thread: event.thread.number, comment: event.id, source: event.source };
    if (fromBot(event)) return;
    const { commands, omitted } = readCommands(event.body);
    if (commands.length === 0 || !isKubeCureThread(event)) return;
    const claimKey = `${event.source}:${event.id}`;
    if (!(await deps.ledger.claim(claimKey, LEASE_SECONDS))) {
      deps.logger.info({ ...log, reason: 'already-handled' }, 'Command comment already handled or in progress (redelivered webhook); skipping');
      return;
    }

    const octokit = context.octokit as unknown as GitHub;
    const run: CommandRun = { octokit, event, deps, pull: pullLoader(octokit, event) };
    try {
      await runCommands(run, commands, claimKey, log);
      if (omitted > 0) {
        deps.logger.info({ ...log, omitted }, 'Commands over the per-comment limit not run');
        await reply(octokit, event, omittedCommandsNote(omitted));
      }
    } catch (error) {
      // The comment is claimable again: GitHub's redelivery of this webhook completes it.
      await deps.ledger.release(claimKey);
      deps.logger.error({ ...log, err: error }, 'Command delivery failed; released for redelivery');
      throw error;
    }
    await deps.ledger.keep(claimKey);
  };
}
