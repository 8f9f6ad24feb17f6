/**
 * Counts what the model costs and how it answers, at the one place every caller (reports, retries,
 * explain) goes through: calls by outcome, billed tokens, and the circuit breaker's state.
 */
import { ModelError, type DiagnosisModel } from '../diagnose/llm/model.js';
import type { AppMetrics } from '../server/metrics.js';

export function observedModel(model: DiagnosisModel | null, metrics: AppMetrics): DiagnosisModel | null {
  if (!model) return null;
  const circuitState = model.circuitState?.bind(model);
  metrics.circuit = circuitState ? { model: model.name, state: circuitState } : undefined;
  return {
    ...model,
    async complete(request) {
      try {
        const reply = await model.complete(request);
        metrics.modelCalls.inc({ outcome: 'ok' });
        metrics.modelTokens.inc({ kind: 'prompt' }, reply.usage.promptTokens);
        metrics.modelTokens.inc({ kind: 'completion' }, reply.usage.completionTokens);
        return reply;
      } catch (error) {
        metrics.modelCalls.inc({ outcome: error instanceof ModelError ? error.kind : 'unavailable' });
        throw error;
      }
    },
  };
}
