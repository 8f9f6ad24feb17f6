import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/diagnose/llm/model.js';
import { openAiCompatibleModel } from '../../src/diagnose/llm/openai-compatible.js';
import { CircuitBreaker, resilientModel, type ResilienceOptions } from '../../src/diagnose/llm/resilience.js';
import { fixture, OPENAI_BASE } from './helpers.js';

const HOST = new URL(OPENAI_BASE).origin;
const PATH = `${new URL(OPENAI_BASE).pathname}/chat/completions`;
const request = { system: 'Answer in JSON.', messages: [{ role: 'user' as const, text: 'Why does it crash?' }], responseSchema: { type: 'object' } };

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures, half-opens after the cool-down for one trial', () => {
    let now = 1_000;
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000, now: () => now });
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    now += 10_000;
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    now += 10_000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('a success in between resets the count', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2 });
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
  });
});

describe('resilientModel', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  function wrapped(options: ResilienceOptions) {
    return resilientModel(openAiCompatibleModel({ baseURL: OPENAI_BASE, apiKey: 'sk-test' }), options);
  }

  it('does not retry refusals and does not count them against the provider', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const scope = nock(HOST).post(PATH).reply(200, fixture('openai-refusal.json'));
    await expect(wrapped({ breaker, sleep: async () => {} }).complete(request)).rejects.toMatchObject({ kind: 'refusal' });
    expect(scope.pendingMocks()).toEqual([]);
    expect(breaker.state).toBe('closed');
  });

  it('gives up at once when the server asks to wait longer than allowed', async () => {
    const delays: number[] = [];
    const scope = nock(HOST).post(PATH).reply(429, fixture('openai-429.json'), { 'Retry-After': '3600' });
    const model = wrapped({ maxDelayMs: 20_000, sleep: async (ms) => void delays.push(ms) });
    await expect(model.complete(request)).rejects.toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 3_600_000 });
    expect(scope.pendingMocks()).toEqual([]);
    expect(delays).toEqual([]);
  });

  it('retries a dropped connection and succeeds', async () => {
    const scope = nock(HOST).post(PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }).post(PATH).reply(200, fixture('openai-success.json'));
    const reply = await wrapped({ sleep: async () => {} }).complete(request);
    expect(scope.pendingMocks()).toEqual([]);
    expect(JSON.parse(reply.text)).toMatchObject({ category: 'CrashLoopBackOff' });
    expect(reply.usage).toEqual({ promptTokens: 2290, completionTokens: 198 });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, HTTP dates and the millisecond variant', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '7' }))).toBe(7000);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    const now = Date.parse('2025-06-12T09:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 12 Jun 2025 09:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfter(new Headers({}))).toBeUndefined();
  });
});
