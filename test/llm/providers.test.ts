import { describe, expect, it } from 'vitest';
import { chooseProvider, createModelFromEnv, promptBudgetFromEnv } from '../../src/diagnose/llm/providers.js';
import type { DiagnosisModel } from '../../src/diagnose/llm/model.js';
import { diagnoseWithModel } from '../../src/diagnose/llm/diagnose.js';
import { estimateTokens } from '../../src/diagnose/llm/tokens.js';
import { crashloopReport, deploymentSource } from './helpers.js';

const warnings: string[] = [];
const logger = {
  debug() {},
  info() {},
  warn(obj: object | string, msg?: string) {
    warnings.push(msg ?? String(obj));
  },
  error() {},
};

describe('createModelFromEnv', () => {
  it('means rules only when nothing is configured', () => {
    expect(createModelFromEnv({})).toBeNull();
  });

  it('defaults to Gemini with GEMINI_API_KEY and to gemini-2.5-flash', () => {
    expect(createModelFromEnv({ GEMINI_API_KEY: 'k', OPENAI_API_KEY: 'o' })?.name).toBe('gemini-2.5-flash');
  });

  it('uses the OpenAI-compatible provider with only OPENAI_BASE_URL (a local server) and the configured model', () => {
    const model = createModelFromEnv({ OPENAI_BASE_URL: 'http://ollama:11434/v1', KUBECURE_LLM_MODEL: 'qwen2.5:14b' });
    expect(model?.name).toBe('qwen2.5:14b');
    expect(chooseProvider({ OPENAI_API_KEY: 'o' })?.id).toBe('openai');
  });

  it('lets KUBECURE_LLM_PROVIDER choose, including none', () => {
    expect(chooseProvider({ KUBECURE_LLM_PROVIDER: 'openai', GEMINI_API_KEY: 'k', OPENAI_API_KEY: 'o' })?.id).toBe('openai');
    expect(createModelFromEnv({ KUBECURE_LLM_PROVIDER: 'none', GEMINI_API_KEY: 'k' })).toBeNull();
  });

  it('logs and falls back to rules when the chosen provider lacks its key or is unknown', () => {
    warnings.length = 0;
    expect(createModelFromEnv({ KUBECURE_LLM_PROVIDER: 'gemini' }, logger)).toBeNull();
    expect(createModelFromEnv({ KUBECURE_LLM_PROVIDER: 'claude' }, logger)).toBeNull();
    expect(warnings).toEqual([
      'gemini provider selected but GEMINI_API_KEY is not set; diagnosing with rules only',
      'unknown KUBECURE_LLM_PROVIDER "claude"; diagnosing with rules only',
    ]);
  });

  it('reads the prompt budget, ignoring nonsense', () => {
    expect(promptBudgetFromEnv({})).toBe(6000);
    expect(promptBudgetFromEnv({ KUBECURE_PROMPT_TOKEN_BUDGET: '4000' })).toBe(4000);
    expect(promptBudgetFromEnv({ KUBECURE_PROMPT_TOKEN_BUDGET: 'lots' })).toBe(6000);
  });

  it('gives the model the configured budget, and every prompt built for it stays within it', async () => {
    const configured = createModelFromEnv({ GEMINI_API_KEY: 'k', KUBECURE_PROMPT_TOKEN_BUDGET: '2500' });
    expect(configured?.promptBudgetTokens).toBe(2500);

    const prompts: string[] = [];
    const recording: DiagnosisModel = {
      name: 'recording',
      promptBudgetTokens: 2500,
      async complete(request) {
        prompts.push([request.system, ...request.messages.map((message) => message.text)].join('\n'));
        return { text: 'not json', usage: { promptTokens: 0, completionTokens: 0 } };
      },
    };
    const report = crashloopReport();
    report.logs = { previous: Array.from({ length: 20_000 }, (_, line) => `line ${line}: worker heartbeat ok ${line * 7}`).join('\n'), truncated: false };
    await diagnoseWithModel({ report, source: deploymentSource(), model: recording, validate: async () => ({ passed: true, messages: [] }) });
    expect(prompts.length).toBeGreaterThan(0);
    expect(estimateTokens(prompts[0]!)).toBeLessThanOrEqual(2500);
  });
});
