import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explainWithModel } from '../../src/diagnose/llm/explain.js';
import { openAiCompatibleModel } from '../../src/diagnose/llm/openai-compatible.js';
import { resilientModel } from '../../src/diagnose/llm/resilience.js';
import type { Diagnosis } from '../../src/diagnose/types.js';
import { crashloopReport, deploymentSource, fixture, OPENAI_BASE } from './helpers.js';

const HOST = new URL(OPENAI_BASE).origin;
const PATH = `${new URL(OPENAI_BASE).pathname}/chat/completions`;

const diagnosis: Diagnosis = {
  category: 'CrashLoopBackOff',
  summary: 'api exits at start because LOG_LEVEL is "verbose"',
  rootCause: 'The application only accepts debug, info, warn or error.',
  evidence: ['invalid value "verbose" for LOG_LEVEL: expected one of debug, info, warn, error'],
  confidence: 88,
  changes: [{ fixKind: 'env', container: 'api', path: ['env', 'LOG_LEVEL'], value: 'info', previous: 'verbose' }],
  diagnosedBy: 'rules',
  ruleId: 'log-patterns',
};

function model() {
  return resilientModel(openAiCompatibleModel({ baseURL: OPENAI_BASE, apiKey: 'sk-test' }), { sleep: async () => {} });
}

describe('explainWithModel', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('shows the model the existing diagnosis as fenced data and returns its explanation', async () => {
    let sent = '';
    let format: unknown;
    const scope = nock(HOST)
      .post(PATH, (body: { messages: Array<{ content: string }>; response_format: unknown }) => {
        sent = body.messages.map((message) => message.content).join('\n');
        format = body.response_format;
        return true;
      })
      .reply(200, fixture('openai-explain.json'));
    const { file, text } = deploymentSource();
    const result = await explainWithModel({ report: crashloopReport(), diagnosis, source: { file, text }, model: model() });

    expect(scope.pendingMocks()).toEqual([]);
    expect(sent).toMatch(/<untrusted-data kind="diagnosis" nonce="[0-9a-f]+">\nsummary: api exits at start/);
    expect(sent).toContain('change: api env.LOG_LEVEL verbose → info');
    expect(sent).not.toContain('canary-pw-7f3a9c2e');
    expect(format).toMatchObject({ type: 'json_schema', json_schema: { schema: { required: ['explanation'] } } });
    expect(result.failure).toBeUndefined();
    expect(result.explanation).toMatch(/^\*\*What happened\.\*\*/);
    expect(result.usage).toEqual({ promptTokens: 1980, completionTokens: 260, model: 'gpt-4.1-mini' });
  });

  it('returns no explanation and the reason when the model is unavailable', async () => {
    const scope = nock(HOST).post(PATH).times(3).reply(503, 'upstream connect error');
    const result = await explainWithModel({ report: crashloopReport(), diagnosis, source: null, model: model() });
    expect(scope.pendingMocks()).toEqual([]);
    expect(result).toMatchObject({ explanation: null, failure: 'unavailable' });
  });
});
