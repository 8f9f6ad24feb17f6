import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyReviewerValue, readReviewerValue } from '../../src/diagnose/reviewer-value.js';
import { createModelFromEnv } from '../../src/diagnose/llm/providers.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, configFixture, oomReport } from '../app/github-mock.js';
import { APP_LOGIN, BRANCH, ENCODED_BRANCH, MANIFEST, commentPayload, loadCommands, recorder, token } from './helpers.js';

const LLM = 'https://llm.internal.example:8443';
const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const HINT = 'use 384Mi, the cache was shrunk in 1.4.2';

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function modelAnswer(): object {
  const answer = {
    category: 'OOMKilled',
    summary: 'checkout needs a little more than its 256Mi limit once the product cache is warm',
    rootCause: 'The product cache grows past 256Mi while warming; the reviewer says 384Mi is enough since 1.4.2.',
    evidence: ['Back-off restarting failed container checkout'],
    confidence: 90,
    patch: [{ op: 'replace', path: '/spec/template/spec/containers/0/resources/limits/memory', valueJson: '"384Mi"' }],
    needsHuman: null,
    rationale: 'The reviewer measured the smaller cache: 384Mi leaves headroom without doubling the limit.',
  };
  return {
    id: 'chatcmpl-hint',
    object: 'chat.completion',
    model: 'gpt-4.1-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(answer), refusal: null }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 2100, completion_tokens: 150, total_tokens: 2250 },
  };
}

it('passes the reviewer\'s hint into the model prompt and pushes the change the model proposed from it', async () => {
  const model = createModelFromEnv({ OPENAI_BASE_URL: `${LLM}/v1`, OPENAI_API_KEY: 'test-key' });
  let prompt: any;
  const llm = nock(LLM)
    .post('/v1/chat/completions', (body) => ((prompt = body), true))
    .reply(200, modelAnswer());

  const github = new GitHubMock();
  token(github);
  const { bodies, take } = recorder();
  github.scope
    .post(`${REPO_PATH}/issues/comments/3100000001/reactions`, (body) => body.content === 'eyes')
    .reply(201, {})
    .get(`${REPO_PATH}/pulls/7`)
    .reply(200, { number: 7, head: { ref: BRANCH, repo: { full_name: `${OWNER}/${REPO}` } }, base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } } })
    .get(`${REPO_PATH}/collaborators/alice/permission`)
    .reply(200, { permission: 'write', user: { login: 'alice', permissions: { admin: false, maintain: false, push: true } } });
  github.config(configFixture('opted-in.yml')).repository({ [MANIFEST]: CHECKOUT_MANIFEST }, [MANIFEST]);
  github.scope
    .get(`${REPO_PATH}/pulls/7/commits`)
    .query({ per_page: '100' })
    .reply(200, [{ sha: 'c1', author: { login: APP_LOGIN, type: 'Bot' }, commit: { message: 'Raise…' } }])
    .get(`${REPO_PATH}/branches/${ENCODED_BRANCH}`)
    .reply(200, { name: BRANCH, commit: { sha: 'branchhead', commit: { tree: { sha: 'branchtree' } } } })
    .post(`${REPO_PATH}/git/trees`, take('tree'))
    .reply(201, { sha: 'newtree' })
    .post(`${REPO_PATH}/git/commits`, take('commit'))
    .reply(201, { sha: '384a1b2c3d4e5f60' })
    .patch(`${REPO_PATH}/git/refs/heads%2F${ENCODED_BRANCH}`, take('ref'))
    .reply(200, {})
    .patch(`${REPO_PATH}/pulls/7`, take('pull'))
    .reply(200, {})
    .post(`${REPO_PATH}/issues/7/comments`, take('reply'))
    .reply(201, {})
    .post(`${REPO_PATH}/issues/comments/3100000001/reactions`, (body) => body.content === 'rocket')
    .reply(201, {});

  await loadCommands({ model }).receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: `/kubecure retry ${HINT}` }) });

  expect(llm.pendingMocks()).toEqual([]);
  expect(github.scope.pendingMocks()).toEqual([]);
  const promptText = (prompt.messages as { content: string }[]).map((message) => message.content).join('\n');
  expect(promptText).toContain(HINT);
  expect(bodies.tree.tree[0].content).toBe(CHECKOUT_MANIFEST.replace('memory: 256Mi', 'memory: 384Mi'));
  expect(bodies.commit.parents).toEqual(['branchhead']);
  expect(bodies.pull.body).toContain('+              memory: 384Mi');
  expect(bodies.pull.body).toContain('`llm:gpt-4.1-mini`');
  expect(bodies.pull.title).toBe('Raise memory limit of checkout to 384Mi after OOMKilled');
  expect(bodies.reply.body).toMatch(/^Diagnosed again with the hint `use 384Mi, the cache was shrunk in 1\.4\.2` and pushed 384a1b2 to this branch/);
  expect(bodies.reply.body).toContain('diagnosed by `llm:gpt-4.1-mini`');
});

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's quoted reply that starts with `start`, as the reader sees it (without the `> `). */
function readmeQuote(start: string): string {
  const line = README.split('\n').find((candidate) => candidate.startsWith(`> ${start}`));
  if (!line) throw new Error(`README quotes no reply starting with ${start}`);
  return line.slice(2);
}

describe('a hint that names a value, without a model', () => {
  function rediagnosis(github: GitHubMock, reaction: 'rocket' | 'confused'): void {
    token(github);
    github.scope
      .post(`${REPO_PATH}/issues/comments/3100000001/reactions`, { content: 'eyes' })
      .reply(201, {})
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, { number: 7, head: { ref: BRANCH, repo: { full_name: `${OWNER}/${REPO}` } }, base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } } })
      .get(`${REPO_PATH}/collaborators/alice/permission`)
      .reply(200, { permission: 'write', user: { login: 'alice', permissions: { admin: false, maintain: false, push: true } } })
      .post(`${REPO_PATH}/issues/comments/3100000001/reactions`, { content: reaction })
      .reply(201, {});
    github.config(configFixture('opted-in.yml')).repository({ [MANIFEST]: CHECKOUT_MANIFEST }, [MANIFEST]);
  }

  it('applies `/kubecure retry use 1Gi` as written with default settings: 256Mi → 1Gi is past the automatic 2× step but within fixes.maxMemory', async () => {
    const github = new GitHubMock();
    rediagnosis(github, 'rocket');
    const { bodies, take } = recorder();
    github.scope
      .get(`${REPO_PATH}/pulls/7/commits`)
      .query({ per_page: '100' })
      .reply(200, [{ sha: 'c1', author: { login: APP_LOGIN, type: 'Bot' }, commit: { message: 'Raise…' } }])
      .get(`${REPO_PATH}/branches/${ENCODED_BRANCH}`)
      .reply(200, { name: BRANCH, commit: { sha: 'branchhead', commit: { tree: { sha: 'branchtree' } } } })
      .post(`${REPO_PATH}/git/trees`, take('tree'))
      .reply(201, { sha: 'newtree' })
      .post(`${REPO_PATH}/git/commits`)
      .reply(201, { sha: '1a2b3c4d5e6f7081' })
      .patch(`${REPO_PATH}/git/refs/heads%2F${ENCODED_BRANCH}`)
      .reply(200, {})
      .patch(`${REPO_PATH}/pulls/7`, take('pull'))
      .reply(200, {})
      .post(`${REPO_PATH}/issues/7/comments`, take('reply'))
      .reply(201, {});

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure retry use 1Gi' }) });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies.tree.tree[0].content).toBe(CHECKOUT_MANIFEST.replace('memory: 256Mi', 'memory: 1Gi'));
    expect(bodies.pull.title).toBe('Raise memory limit of checkout to 1Gi after OOMKilled');
    expect(bodies.pull.body).toContain('A reviewer with write access asked for 1Gi memory');
    expect(bodies.reply.body.split('\n')[0]).toBe(readmeQuote('Diagnosed again with the hint `use 1Gi`'));
    expect(bodies.reply.body).toContain('diagnosed by `rules`');
  });

  it('refuses a value above the hard ceiling, naming the bound and the setting that raises it', async () => {
    const github = new GitHubMock();
    rediagnosis(github, 'confused');
    const { bodies, take } = recorder();
    github.scope.post(`${REPO_PATH}/issues/7/comments`, take('reply')).reply(201, {});

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure retry use 8Gi' }) });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies.reply.body).toMatch(/^Diagnosed again, but the result is not confident and valid enough to push/);
    expect(bodies.reply.body).toContain('limits.memory 8Gi exceeds the ceiling 4Gi (fixes.maxMemory)');
    expect(bodies.reply.body.split('\n')).toContain(readmeQuote('- Validation failed (bounds:'));
  });

  it('says that a free-text hint needs a model, and does not call the retry a success', async () => {
    const github = new GitHubMock();
    rediagnosis(github, 'confused');
    const { bodies, take } = recorder();
    github.scope
      .get(`${REPO_PATH}/pulls/7/commits`)
      .query({ per_page: '100' })
      .reply(200, [{ sha: 'c1', author: { login: APP_LOGIN, type: 'Bot' }, commit: { message: 'Raise…' } }])
      .get(`${REPO_PATH}/branches/${ENCODED_BRANCH}`)
      .reply(200, { name: BRANCH, commit: { sha: 'branchhead', commit: { tree: { sha: 'branchtree' } } } })
      .post(`${REPO_PATH}/git/trees`)
      .reply(201, { sha: 'branchtree' })
      .post(`${REPO_PATH}/issues/7/comments`, take('reply'))
      .reply(201, {});

    await loadCommands().receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure retry the cache grew after the last release' }) });

    expect(github.scope.pendingMocks()).toEqual([]);
    expect(bodies.reply.body).toContain('Nothing was pushed.');
    expect(bodies.reply.body).toContain(
      'The hint "the cache grew after the last release" was not applied: no model is configured, and without one KubeCure applies only hints that name a value (`use 1Gi`, `use 500m cpu`, `use tag 1.4.2`, `use port 8080`).',
    );
    expect(bodies.reply.body.split('\n')).toContain(readmeQuote('The hint "the cache grew'));
  });
});

describe('reading the value a hint names', () => {
  it.each([
    ['use 1Gi', { kind: 'memory', value: '1Gi' }],
    ['use memory 768Mi', { kind: 'memory', value: '768Mi' }],
    ['Set 512Mi memory.', { kind: 'memory', value: '512Mi' }],
    ['use 500m cpu', { kind: 'cpu', value: '500m' }],
    ['use cpu 2', { kind: 'cpu', value: '2' }],
    ['use 250m', { kind: 'cpu', value: '250m' }],
    ['use tag 1.4.2', { kind: 'tag', value: '1.4.2' }],
    ['use image tag v2.3.1', { kind: 'tag', value: 'v2.3.1' }],
    ['use port 8080', { kind: 'port', value: 8080 }],
  ])('%s', (hint, expected) => {
    expect(readReviewerValue(hint)).toEqual(expected);
  });

  it.each(['use 384Mi, the cache was shrunk in 1.4.2', 'the tag is v2.3.1', 'use 2', 'use tag latest', 'use tag ${TAG}', 'use tag CONTAINER_IMAGES_TAG', 'use port 70000', 'use 1Gb'])(
    'leaves "%s" to the model',
    (hint) => {
      expect(readReviewerValue(hint)).toBeNull();
    },
  );

  it('retags the image the rule would change, keeping its repository', () => {
    const report = oomReport();
    const diagnosis = { category: 'ImagePullBackOff' as const, summary: 's', rootCause: 'r', evidence: [], confidence: 40, changes: [], diagnosedBy: 'rules' };
    const applied = applyReviewerValue(diagnosis, { kind: 'tag', value: '1.4.3' }, report, 80);
    expect(applied).toMatchObject({ ok: true, diagnosis: { confidence: 80, changes: [{ fixKind: 'image', container: 'checkout', path: ['image'], value: 'ghcr.io/acme/checkout:1.4.3' }] } });
    expect(applyReviewerValue(diagnosis, { kind: 'port', value: 8080 }, report, 80)).toEqual({ ok: false, reason: 'The hint "use port 8080" was not applied: the diagnosis changes no probe port.' });
  });
});
