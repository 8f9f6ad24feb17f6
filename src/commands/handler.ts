/**
 * The webhook side of commands: from a comment to replies.
 *
 *   bots out → commands? → KubeCure's thread? → once per comment → 👀 → refusals → run each → 🚀/😕
 *
 * Every guard returns early. A comment that is not a command on a KubeCure thread gets no
 * reaction at all: KubeCure only speaks where it was spoken to.
 */
import type { Context } from 'probot';
import type { GitHub } from '../github/octokit.js';
import { findFingerprint } from '../github/marker.js';
import { needsWriteAccess, omittedCommandsNote, readCommands, type Command } from './parse.js';
import { readCommandEvent, type CommandEvent, type CommandEventName, type PullFacts } from './event.js';
import { canWrite } from './permission.js';
import { retry } from './retry.js';
import { explain } from './explain.js';
import { ignore, unignore } from './ignore.js';
import { reviewMessages } from '../github/messages.js';
import type { CommandDeps, CommandResult, CommandRun } from './types.js';

export type { CommandDeps } from './types.js';

type Reaction = 'eyes' | 'rocket' | 'confused';

/** KubeCure's threads are opened by the App (a bot account) and carry its fingerprint. */
function isKubeCureThread(event: CommandEvent): boolean {
  return event.thread.author.type === 'Bot' && findFingerprint(event.thread.body) !== null;
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
 */
const EXPLAIN_INTERVAL_MS = 10 * 60_000;

function explainAllowed(run: CommandRun): Promise<boolean> {
  const { repository, thread } = run.event;
  const interval = Math.floor(Date.now() / EXPLAIN_INTERVAL_MS);
  return run.deps.ledger.claim(`explain:${repository.owner}/${repository.repo}#${thread.number}:${interval}`);
}

async function execute(run: CommandRun, command: Command): Promise<CommandResult> {
  switch (command.name) {
    case 'retry':
      return retry(run, command.hint);
    case 'explain':
      return (await explainAllowed(run)) ? explain(run) : { ok: false, reply: reviewMessages.explainedRecently(EXPLAIN_INTERVAL_MS / 60_000) };
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

export function createCommandHandler(deps: CommandDeps): (context: Context<CommandEventName>) => Promise<void> {
  return async (context) => {
    const event = readCommandEvent(context);
    const log = { repository: `${event.repository.owner}/${event.repository.repo}`, thread: event.thread.number, comment: event.id, source: event.source };
    if (fromBot(event)) return;
    const { commands, omitted } = readCommands(event.body);
    if (commands.length === 0 || !isKubeCureThread(event)) return;
    if (!(await deps.ledger.claim(`${event.source}:${event.id}`))) {
      deps.logger.info(log, 'Command comment already handled (redelivered webhook); skipping');
      return;
    }

    const octokit = context.octokit as unknown as GitHub;
    const run: CommandRun = { octokit, event, deps, pull: pullLoader(octokit, event) };
    await react(octokit, event, 'eyes');
    let allOk = true;
    let writer: boolean | null = null;
    for (const command of commands) {
      let result: CommandResult;
      try {
        const refusal = await threadRefusal(run, command);
        if (refusal) result = { ok: false, reply: refusal };
        else if (needsWriteAccess(command) && !(writer ??= await canWrite(octokit, event.repository, event.author.login))) {
          result = { ok: false, reply: reviewMessages.refusedPermission(event.author.login, `/kubecure ${command.name}`) };
        } else {
          result = await execute(run, command);
        }
      } catch (error) {
        deps.logger.error({ ...log, command: command.name, err: error }, 'Command failed');
        result = { ok: false, reply: reviewMessages.commandFailed(`/kubecure ${command.name}`) };
      }
      deps.logger.info({ ...log, command: command.name, ok: result.ok }, 'Command handled');
      allOk &&= result.ok;
      await reply(octokit, event, result.reply);
    }
    if (omitted > 0) {
      deps.logger.info({ ...log, omitted }, 'Commands over the per-comment limit not run');
      await reply(octokit, event, omittedCommandsNote(omitted));
    }
    await react(octokit, event, allOk ? 'rocket' : 'confused');
  };
}
