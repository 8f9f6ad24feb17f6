/**
 * After the pull request: a reviewer's `/kubecure retry <hint>` becomes a new commit, and a
 * merged fix that rolls out and stays healthy is marked verified. Both through the real App's
 * webhook endpoint (signed deliveries through Probot's middleware) and, for the recovery, the
 * real agent watching the rollout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addWorkload, CANARY, oomKill, rollOut, type Workload } from '../support/e2e/cluster.js';
import type { ChatRequest, ModelAnswer } from '../support/e2e/llm.js';
import { issueCommentCreated, pullRequestClosed } from '../support/e2e/webhooks.js';
import { optedInConfig, startWorld, waitUntil, type World, type WorldOptions } from '../support/e2e/world.js';

const CHECKOUT = { namespace: 'shop', name: 'checkout', container: 'checkout', image: 'ghcr.io/acme-shop/checkout:1.8.2', memoryLimit: '256Mi' };
const MANIFEST = 'apps/checkout/deployment.yaml';

let world: World | null = null;

afterEach(async () => {
  const current = world;
  world = null;
  if (!current) return;
  try {
    expect(current.outputs().filter((text) => text.includes(CANARY))).toEqual([]);
    expect(current.github.unhandled).toEqual([]);
  } finally {
    await current.stop();
  }
});

/** The OOMKilled checkout, its pull request opened and the App idle. */
async function checkoutPullRequest(options: Partial<WorldOptions> = {}): Promise<{ world: World; checkout: Workload; number: number; branch: string }> {
  let checkout!: Workload;
  const started = await startWorld({ repo: 'plain-multi-service', seed: (kube) => (checkout = addWorkload(kube, CHECKOUT)), ...options });
  world = started;
  oomKill(started.kube, checkout, { usageMemory: '251Mi' });
  const pull = await waitUntil(() => started.github.pullRequests()[0], 'the pull request');
  await started.settled();
  return { world: started, checkout, number: pull.number, branch: pull.head! };
}

/** A model that follows the reviewer's hint when there is one, as the recorded answer does. */
function hintFollowingModel(request: ChatRequest): ModelAnswer {
  const prompt = request.messages.map((message) => message.content).join('\n');
  const hinted = /use 1Gi/.test(prompt);
  return {
    category: 'OOMKilled',
    summary: hinted ? 'checkout needs 1Gi: the reviewer knows the cache grows past 512Mi' : 'checkout ran out of memory while warming its product cache',
    rootCause: 'The product cache is warmed at start and outgrows the memory limit, so the kernel kills the container (exit 137).',
    evidence: ['{"level":"info","msg":"warming product cache","items":184220}'],
    confidence: 90,
    patch: [{ op: 'replace', path: '/spec/template/spec/containers/0/resources/limits/memory', valueJson: JSON.stringify(hinted ? '1Gi' : '512Mi') }],
    needsHuman: null,
    rationale: 'A limit above the cache size lets the warm-up finish.',
  };
}

describe('/kubecure retry with a hint on the pull request', () => {
  it('pushes a new commit with the value the hint asked for, on top of the first one, without asking the model', async () => {
    const { world, number, branch: BRANCH } = await checkoutPullRequest({ config: optedInConfig({ fixes: { maxIncreaseFactor: 4 } }) });
    const { github, app, model } = world;
    model.responder = hintFollowingModel;
    const first = github.commitsOn(BRANCH);
    expect(parse(github.filesAt(BRANCH).get(MANIFEST)!).spec.template.spec.containers[0].resources.limits.memory).toBe('384Mi');

    const promptsBefore = model.prompts().length;
    const comment = github.addUserComment(number, 'alice', '/kubecure retry use 1Gi');
    const delivered = await app.deliverWebhook('issue_comment', issueCommentCreated(github, number, comment));
    expect(delivered.status).toBe(200);
    await waitUntil(() => github.reactions.some((reaction) => reaction.commentId === comment.id && reaction.content !== 'eyes'), 'the command to finish');

    // A second commit on the branch, fast-forward over the first, with 1Gi and nothing else changed.
    const commits = github.commitsOn(BRANCH);
    expect(commits).toHaveLength(2);
    expect(commits[1]!.sha).toBe(first[0]!.sha);
    const manifest = github.filesAt(BRANCH).get(MANIFEST)!;
    expect(manifest).toBe(github.filesAt('main').get(MANIFEST)!.replace('memory: 256Mi   # raised', 'memory: 1Gi   # raised'));
    expect(github.reactions.filter((reaction) => reaction.commentId === comment.id).map((reaction) => reaction.content)).toEqual(['eyes', 'rocket']);

    // A hint that is only a value is applied by the rules as written: no model call, and the thread says what happened.
    expect(model.prompts()).toHaveLength(promptsBefore);
    const pull = github.threads.get(number)!;
    expect(pull.title).toBe('Raise memory limit of checkout to 1Gi after OOMKilled');
    expect(pull.body).toContain('+              memory: 1Gi');
    expect(pull.body).toContain('diagnosed by `rules`');
    expect(pull.body).toContain('A reviewer with write access asked for 1Gi memory');
    const reply = pull.comments.at(-1)!;
    expect(reply.user.login).toBe('kubecure[bot]');
    expect(reply.body).toContain('with the hint "use 1Gi"');
    expect(reply.body).toContain(commits[0]!.sha.slice(0, 7));
    expect(github.pullRequests()).toHaveLength(1);
  }, 30_000);

  it('refuses a reviewer without write access and changes nothing', async () => {
    const { world, number, branch: BRANCH } = await checkoutPullRequest();
    const { github, app } = world;
    const comment = github.addUserComment(number, 'mallory', '/kubecure retry use 4Gi');

    await app.deliverWebhook('issue_comment', issueCommentCreated(github, number, comment));
    await waitUntil(() => github.reactions.some((reaction) => reaction.commentId === comment.id && reaction.content === 'confused'), 'the refusal');

    expect(github.commitsOn(BRANCH)).toHaveLength(1);
    expect(github.threads.get(number)!.comments.at(-1)!.body).toContain('@mallory');
    expect(world.model.prompts()).toEqual([]);
  }, 30_000);
});

describe('a merged fix that rolls out', () => {
  it('is marked verified once the agent reports the workload healthy on the new spec', async () => {
    const { world, checkout, number } = await checkoutPullRequest();
    const { github, app, kube } = world;

    github.merge(number);
    expect((await app.deliverWebhook('pull_request', pullRequestClosed(github, number))).status).toBe(200);
    await waitUntil(() => github.threads.get(number)!.labels.includes('kubecure:awaiting-verification'), 'the awaiting-verification label');

    rollOut(kube, checkout, '5c4b3a291');
    await waitUntil(() => github.threads.get(number)!.labels.includes('kubecure:verified'), 'the verified label', 15_000);
    await world.settled();

    const pull = github.threads.get(number)!;
    expect(pull.labels).not.toContain('kubecure:awaiting-verification');
    const verified = pull.comments.filter((comment) => /verified/i.test(comment.body) && comment.user.login === 'kubecure[bot]');
    expect(verified.length).toBeGreaterThanOrEqual(1);
    expect(verified.at(-1)!.body).toContain('checkout');
    expect(github.issues()).toEqual([]);
  }, 30_000);
});
