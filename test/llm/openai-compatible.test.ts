import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diagnoseWithModel } from '../../src/diagnose/llm/diagnose.js';
import { openAiCompatibleModel } from '../../src/diagnose/llm/openai-compatible.js';
import { CircuitBreaker, resilientModel } from '../../src/diagnose/llm/resilience.js';
import { estimateTokens } from '../../src/diagnose/llm/tokens.js';
import { crashloopReport, deploymentSource, fixture, OPENAI_BASE, policyValidate } from './helpers.js';

interface ChatBody {
  model: string;
  temperature: number;
  messages: Array<{ role: string; content: string }>;
  response_format: { type: string; json_schema?: { name: string; strict: boolean; schema: Record<string, unknown> } };
}

const HOST = new URL(OPENAI_BASE).origin;
const PATH = `${new URL(OPENAI_BASE).pathname}/chat/completions`;
const passAll = async () => ({ passed: true, messages: [] });

function model(delays: number[] = [], timeoutMs = 2_000) {
  return resilientModel(openAiCompatibleModel({ baseURL: `${OPENAI_BASE}/`, apiKey: 'sk-test-key', model: 'gpt-4.1-mini' }), {
    breaker: new CircuitBreaker(),
    timeoutMs,
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
}

describe('OpenAI-compatible provider', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('posts to <baseURL>/chat/completions with a strict JSON schema and a redacted, budgeted prompt', async () => {
    const bodies: ChatBody[] = [];
    const scope = nock(HOST)
      .post(PATH, (body: ChatBody) => {
        bodies.push(body);
        return true;
      })
      .matchHeader('authorization', 'Bearer sk-test-key')
      .reply(200, fixture('openai-success.json'));
    const source = deploymentSource();
    const result = await diagnoseWithModel({
      report: crashloopReport(),
      source,
      model: model(),
      budgetTokens: 2500,
      validate: (ops) => policyValidate(source.text, ops),
    });

    expect(scope.pendingMocks()).toEqual([]);
    const body = bodies[0]!;
    expect(body.model).toBe('gpt-4.1-mini');
    expect(body.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(body.response_format.type).toBe('json_schema');
    const schema = body.response_format.json_schema!;
    expect(schema.strict).toBe(true);
    expect(schema.schema.additionalProperties).toBe(false);
    expect(schema.schema.required).toContain('needsHuman');
    expect((schema.schema.properties as Record<string, { type: unknown }>).patch?.type).toEqual(['array', 'null']);
    const sent = body.messages.map((message) => message.content).join('\n');
    expect(sent).not.toContain('canary-pw-7f3a9c2e');
    expect(sent).not.toContain('canaryTOKENabcdef0123456789XYZ');
    expect(estimateTokens(sent)).toBeLessThanOrEqual(2500);

    expect(result.patchAccepted).toBe(true);
    expect(result.diagnosis.diagnosedBy).toBe('llm:gpt-4.1-mini');
    expect(result.usage).toEqual({ promptTokens: 2290, completionTokens: 198, model: 'gpt-4.1-mini' });
  });

  it('retries with json_object and the schema in the instructions when the server rejects json_schema', async () => {
    const formats: ChatBody[] = [];
    const record = (body: ChatBody) => {
      formats.push(body);
      return true;
    };
    const scope = nock(HOST)
      .post(PATH, record)
      .reply(400, fixture('openai-400-json-schema.json'))
      .post(PATH, record)
      .reply(200, fixture('openai-success.json'))
      .post(PATH, record)
      .reply(200, fixture('openai-success.json'));
    const llm = model();
    const input = { report: crashloopReport(), source: deploymentSource(), model: llm, validate: passAll };
    expect((await diagnoseWithModel(input)).patchAccepted).toBe(true);
    // The server's answer is remembered: the next diagnosis goes straight to json_object.
    expect((await diagnoseWithModel(input)).patchAccepted).toBe(true);

    expect(scope.pendingMocks()).toEqual([]);
    expect(formats.map((body) => body.response_format.type)).toEqual(['json_schema', 'json_object', 'json_object']);
    expect(formats[1]?.messages[0]?.content).toContain('"needsHuman"');
  });

  it('reports an explicit refusal as failure "refusal"', async () => {
    const scope = nock(HOST).post(PATH).reply(200, fixture('openai-refusal.json'));
    const result = await diagnoseWithModel({ report: crashloopReport(), source: deploymentSource(), model: model(), validate: passAll });
    expect(scope.pendingMocks()).toEqual([]);
    expect(result.failure).toBe('refusal');
    expect(result.diagnosis.rootCause).toContain("can't help");
  });

  it('reports prose instead of JSON as failure "malformed"', async () => {
    const scope = nock(HOST).post(PATH).reply(200, fixture('openai-malformed.json'));
    const result = await diagnoseWithModel({ report: crashloopReport(), source: deploymentSource(), model: model(), validate: passAll });
    expect(scope.pendingMocks()).toEqual([]);
    expect(result.failure).toBe('malformed');
    expect(result.patch).toBeNull();
  });

  it('honours Retry-After on 429 and then succeeds', async () => {
    const delays: number[] = [];
    const scope = nock(HOST)
      .post(PATH)
      .reply(429, fixture('openai-429.json'), { 'Retry-After': '3' })
      .post(PATH)
      .reply(200, fixture('openai-success.json'));
    const result = await diagnoseWithModel({ report: crashloopReport(), source: deploymentSource(), model: model(delays), validate: passAll });
    expect(scope.pendingMocks()).toEqual([]);
    expect(delays).toEqual([3000]);
    expect(result.patchAccepted).toBe(true);
  });

  it('backs off exponentially on 5xx without Retry-After and gives up after the retry limit', async () => {
    const delays: number[] = [];
    const scope = nock(HOST).post(PATH).times(3).reply(502, 'Bad Gateway');
    const result = await diagnoseWithModel({ report: crashloopReport(), source: deploymentSource(), model: model(delays), validate: passAll });
    expect(scope.pendingMocks()).toEqual([]);
    expect(result.failure).toBe('unavailable');
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(250);
    expect(delays[0]).toBeLessThanOrEqual(500);
    expect(delays[1]).toBeGreaterThanOrEqual(500);
    expect(delays[1]).toBeLessThanOrEqual(1000);
  });

  it('gives up with failure "timeout" on a server that hangs', async () => {
    const scope = nock(HOST).post(PATH).delay(1_000).reply(200, fixture('openai-success.json'));
    const result = await diagnoseWithModel({
      report: crashloopReport(),
      source: deploymentSource(),
      model: model([], 100),
      validate: passAll,
    });
    expect(scope.pendingMocks()).toEqual([]);
    expect(result.failure).toBe('timeout');
  });

  it('does not retry a request the server rejects as invalid', async () => {
    const scope = nock(HOST).post(PATH).reply(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
    const result = await diagnoseWithModel({ report: crashloopReport(), source: deploymentSource(), model: model(), validate: passAll });
    expect(scope.pendingMocks()).toEqual([]);
    expect(result.failure).toBe('rejected');
    expect(result.diagnosis.rootCause).toContain('401');
  });
});
