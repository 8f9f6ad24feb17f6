import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { observedModel } from '../../src/app/model-metrics.js';
import { createModelFromEnv } from '../../src/diagnose/llm/providers.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { fixture, GEMINI_HOST, GEMINI_PATH } from '../llm/helpers.js';

const request = { system: 'Answer in JSON.', messages: [{ role: 'user' as const, text: 'Why does it crash?' }], responseSchema: { type: 'object' } };

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('model metrics', () => {
  it('counts calls by outcome, billed tokens and the circuit state as the App\'s model answers and fails', async () => {
    const metrics = new AppMetrics();
    const model = observedModel(createModelFromEnv({ GEMINI_API_KEY: 'test-gemini-key', KUBECURE_LLM_MAX_RETRIES: '0' }), metrics)!;
    const success = fixture<{ usageMetadata: { promptTokenCount: number; candidatesTokenCount: number } }>('gemini-success.json');
    const scope = nock(GEMINI_HOST)
      .post(GEMINI_PATH).reply(200, success)
      .post(GEMINI_PATH).times(5).reply(503, { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } });

    await model.complete(request);
    expect(await metrics.registry.getSingleMetricAsString('kubecure_model_circuit_state')).toContain('kubecure_model_circuit_state{model="gemini-2.5-flash"} 0');
    for (let call = 0; call < 5; call += 1) await expect(model.complete(request)).rejects.toThrow(/503/);
    await expect(model.complete(request)).rejects.toThrow(/calls paused/);

    expect(scope.pendingMocks()).toEqual([]);
    const calls = await metrics.registry.getSingleMetricAsString('kubecure_model_calls_total');
    expect(calls).toContain('kubecure_model_calls_total{outcome="ok"} 1');
    expect(calls).toContain('kubecure_model_calls_total{outcome="unavailable"} 5');
    expect(calls).toContain('kubecure_model_calls_total{outcome="circuit-open"} 1');
    const tokens = await metrics.registry.getSingleMetricAsString('kubecure_model_tokens_total');
    expect(tokens).toContain(`kubecure_model_tokens_total{kind="prompt"} ${success.usageMetadata.promptTokenCount}`);
    expect(await metrics.registry.getSingleMetricAsString('kubecure_model_circuit_state')).toContain('kubecure_model_circuit_state{model="gemini-2.5-flash"} 2');
  });

  it('exports no circuit state without a model', async () => {
    const metrics = new AppMetrics();
    expect(observedModel(null, metrics)).toBeNull();
    expect(await metrics.registry.getSingleMetricAsString('kubecure_model_circuit_state')).not.toMatch(/kubecure_model_circuit_state\{/);
  });
});
