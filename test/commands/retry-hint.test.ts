import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createModelFromEnv } from '../../src/diagnose/llm/providers.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, configFixture } from '../app/github-mock.js';
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
