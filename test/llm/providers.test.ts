import { describe, expect, it } from 'vitest';
import { chooseProvider, createModelFromEnv, promptBudgetFromEnv } from '../../src/diagnose/llm/providers.js';

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
});
