/**
 * The three webhooks a command can arrive in (an issue or pull request comment, a review body,
 * a review comment on a diff line), reduced to what the handlers need.
 */
import type { Context } from 'probot';
import type { RepoRef } from '../github/octokit.js';

export type CommandEventName = 'issue_comment.created' | 'pull_request_review.submitted' | 'pull_request_review_comment.created';

export interface Actor {
  login: string;
  type: string;
}

export interface PullFacts {
  headRef: string;
  /** The head branch lives in another repository. */
  fork: boolean;
}

export interface CommandEvent {
  /** Where the command was written; reviews cannot carry reactions. */
  source: 'issue_comment' | 'review' | 'review_comment';
  id: number;
  body: string;
  author: Actor;
  sender: Actor;
  repository: RepoRef;
  thread: {
    number: number;
    kind: 'pull_request' | 'issue';
    title: string;
    body: string;
    author: Actor;
    state: 'open' | 'closed';
    locked: boolean;
  };
  /** Known from the payload of review events; fetched for comments on pull requests. */
  pull: PullFacts | null;
}

const actor = (user: { login?: string; type?: string } | null | undefined): Actor => ({ login: user?.login ?? '', type: user?.type ?? 'User' });

type PullPayload = Context<'pull_request_review.submitted'>['payload']['pull_request'];

function pullThread(pull: PullPayload): Pick<CommandEvent, 'thread' | 'pull'> {
  return {
    thread: {
      number: pull.number,
      kind: 'pull_request',
      title: pull.title,
      body: pull.body ?? '',
      author: actor(pull.user),
      state: pull.state === 'open' ? 'open' : 'closed',
      locked: pull.locked,
    },
    pull: { headRef: pull.head.ref, fork: pull.head.repo?.full_name !== pull.base.repo.full_name },
  };
}

export function readCommandEvent(context: Context<CommandEventName>): CommandEvent {
  const repository = context.repo();
  const sender = actor(context.payload.sender);
  if (context.name === 'issue_comment') {
    const { comment, issue } = (context as Context<'issue_comment.created'>).payload;
    return {
      source: 'issue_comment',
      id: comment.id,
      body: comment.body ?? '',
      author: actor(comment.user),
      sender,
      repository,
      thread: {
        number: issue.number,
        kind: issue.pull_request ? 'pull_request' : 'issue',
        title: issue.title,
        body: issue.body ?? '',
        author: actor(issue.user),
        state: issue.state === 'open' ? 'open' : 'closed',
        locked: issue.locked ?? false,
      },
      pull: null,
    };
  }
  if (context.name === 'pull_request_review') {
    const { review, pull_request } = (context as Context<'pull_request_review.submitted'>).payload;
    return { source: 'review', id: review.id, body: review.body ?? '', author: actor(review.user), sender, repository, ...pullThread(pull_request) };
  }
  const { comment, pull_request } = (context as Context<'pull_request_review_comment.created'>).payload;
  return {
    source: 'review_comment',
    id: comment.id,
    body: comment.body,
    author: actor(comment.user),
    sender,
    repository,
    ...pullThread(pull_request as unknown as PullPayload),
  };
}
