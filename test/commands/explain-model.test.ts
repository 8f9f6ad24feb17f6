import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createModelFromEnv } from '../../src/diagnose/llm/providers.js';
import { CHECKOUT_MANIFEST, GitHubMock, OWNER, REPO, configFixture } from '../app/github-mock.js';
import { BRANCH, MANIFEST, commentPayload, loadCommands, token } from './helpers.js';

const LLM = 'https://llm.internal.example:8443';
const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const EXPLANATION = '**What happened.** The product cache outgrew the 256Mi limit while warming, so the kernel killed the container.';

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

it('puts the model\'s plain-words explanation above the facts of a rule diagnosis, asking the model only to explain', async () => {
  const model = createModelFromEnv({ OPENAI_BASE_URL: `${LLM}/v1`, OPENAI_API_KEY: 'test-key' });
  let request: any;
  const llm = nock(LLM)
    .post('/v1/chat/completions', (body) => ((request = body), true))
    .reply(200, {
      id: 'chatcmpl-explain',
      object: 'chat.completion',
      model: 'gpt-4.1-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ explanation: EXPLANATION }), refusal: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1800, completion_tokens: 60, total_tokens: 1860 },
    });
  const github = new GitHubMock();
  token(github);
  let reply = '';
  github.scope
    .post(`${REPO_PATH}/issues/comments/3100000001/reactions`, (body) => body.content === 'eyes')
    .reply(201, {})
    .get(`${REPO_PATH}/pulls/7`)
    .reply(200, { number: 7, head: { ref: BRANCH, repo: { full_name: `${OWNER}/${REPO}` } }, base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } } });
  github.config(configFixture('opted-in.yml')).repository({ [MANIFEST]: CHECKOUT_MANIFEST }, [MANIFEST]);
  github.scope
    .post(`${REPO_PATH}/issues/7/comments`, (body) => ((reply = body.body), true))
    .reply(201, {})
    .post(`${REPO_PATH}/issues/comments/3100000001/reactions`, (body) => body.content === 'rocket')
    .reply(201, {});

  await loadCommands({ model }).receive({ id: 'd1', name: 'issue_comment', payload: commentPayload({ body: '/kubecure explain' }) });

  expect(llm.pendingMocks()).toEqual([]);
  expect(github.scope.pendingMocks()).toEqual([]);
  // One model call, and it is the explain call: the rule diagnosis is not re-asked of the model.
  expect(request.response_format.json_schema.schema.properties).toHaveProperty('explanation');
  expect(JSON.stringify(request.messages)).toContain('resources.limits.memory 256Mi → 512Mi');
  // The model's prose is untrusted: its markdown is shown literally, not rendered.
  expect(reply).toContain('**In plain words.**\n\n\\*\\*What happened.\\*\\* The product cache outgrew the 256Mi limit while warming, so the kernel killed the container.');
  expect(reply.indexOf('**In plain words.**')).toBeLessThan(reply.indexOf('**What failed.**'));
  expect(reply).not.toContain('rules only');
});
