/**
 * The registered model providers and how the server/CLI environment picks one.
 *
 * | Variable | Default | Meaning |
 * | --- | --- | --- |
 * | `KUBECURE_LLM_PROVIDER` | `gemini` when `GEMINI_API_KEY` is set, else `openai` when `OPENAI_API_KEY` or `OPENAI_BASE_URL` is set, else none | Which provider diagnoses what rules cannot: `gemini`, `openai` (any OpenAI-compatible server) or `none` (rules only). |
 * | `GEMINI_API_KEY` | — | API key for Gemini (Google AI Studio). |
 * | `KUBECURE_LLM_MODEL` | `gemini-2.5-flash` (gemini), `gpt-4.1-mini` (openai) | Model name sent to the provider. |
 * | `OPENAI_API_KEY` | — | Bearer token for the OpenAI-compatible server; optional for local servers (Ollama, vLLM). |
 * | `OPENAI_BASE_URL` | `https://api.openai.com/v1` | Base URL of the OpenAI-compatible API; requests go to `<base>/chat/completions`. |
 * | `KUBECURE_LLM_TIMEOUT_MS` | `30000` | Timeout of one model call, in milliseconds. |
 * | `KUBECURE_LLM_MAX_RETRIES` | `2` | Retries of a call that failed with 429, 5xx or a network error (waiting as Retry-After says). |
 * | `KUBECURE_PROMPT_TOKEN_BUDGET` | `6000` | Estimated token budget of one prompt; logs are compressed to fit it. |
 *
 * After 5 consecutive failed calls the circuit opens for 60 s: diagnoses fall back to rules and
 * say so, then one trial call decides whether to resume.
 */
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { geminiModel } from './gemini.js';
import type { DiagnosisModel } from './model.js';
import { openAiCompatibleModel } from './openai-compatible.js';
import { CircuitBreaker, resilientModel } from './resilience.js';

export const DEFAULT_PROMPT_TOKEN_BUDGET = 6000;
export const DEFAULT_LLM_TIMEOUT_MS = 30_000;
export const DEFAULT_LLM_MAX_RETRIES = 2;

export type ProviderId = 'gemini' | 'openai';

export interface ModelProvider {
  id: ProviderId;
  /** Whether the environment has what this provider needs to be chosen by default. */
  configuredIn(env: NodeJS.ProcessEnv): boolean;
  /** The bare model (no retries), or why the environment is not enough to build it. */
  create(env: NodeJS.ProcessEnv): DiagnosisModel | string;
}

const nonEmpty = (value: string | undefined): string | undefined => (value && value.trim() !== '' ? value.trim() : undefined);

export const PROVIDERS: readonly ModelProvider[] = [
  {
    id: 'gemini',
    configuredIn: (env) => nonEmpty(env.GEMINI_API_KEY) !== undefined,
    create(env) {
      const apiKey = nonEmpty(env.GEMINI_API_KEY);
      if (!apiKey) return 'GEMINI_API_KEY is not set';
      const model = nonEmpty(env.KUBECURE_LLM_MODEL);
      return geminiModel({ apiKey, ...(model ? { model } : {}) });
    },
  },
  {
    id: 'openai',
    configuredIn: (env) => nonEmpty(env.OPENAI_API_KEY) !== undefined || nonEmpty(env.OPENAI_BASE_URL) !== undefined,
    create(env) {
      const apiKey = nonEmpty(env.OPENAI_API_KEY);
      const baseURL = nonEmpty(env.OPENAI_BASE_URL);
      if (!apiKey && !baseURL) return 'neither OPENAI_API_KEY nor OPENAI_BASE_URL is set';
      const model = nonEmpty(env.KUBECURE_LLM_MODEL);
      return openAiCompatibleModel({ ...(apiKey ? { apiKey } : {}), ...(baseURL ? { baseURL } : {}), ...(model ? { model } : {}) });
    },
  },
];

function positiveInteger(value: string | undefined, fallback: number, name: string, logger: Logger): number {
  const text = nonEmpty(value);
  if (text === undefined) return fallback;
  const parsed = Number(text);
  if (Number.isInteger(parsed) && parsed >= 0) return parsed;
  logger.warn({ variable: name, value: text }, `ignoring ${name}: not a non-negative integer`);
  return fallback;
}

/** The prompt budget configured by `KUBECURE_PROMPT_TOKEN_BUDGET`. */
export function promptBudgetFromEnv(env: NodeJS.ProcessEnv, logger: Logger = silentLogger): number {
  return positiveInteger(env.KUBECURE_PROMPT_TOKEN_BUDGET, DEFAULT_PROMPT_TOKEN_BUDGET, 'KUBECURE_PROMPT_TOKEN_BUDGET', logger) || DEFAULT_PROMPT_TOKEN_BUDGET;
}

/** The provider the environment asks for, or null for rules only. */
export function chooseProvider(env: NodeJS.ProcessEnv, logger: Logger = silentLogger): ModelProvider | null {
  const requested = nonEmpty(env.KUBECURE_LLM_PROVIDER)?.toLowerCase();
  if (requested === 'none') return null;
  if (requested !== undefined) {
    const provider = PROVIDERS.find((candidate) => candidate.id === requested);
    if (!provider) logger.warn({ provider: requested }, `unknown KUBECURE_LLM_PROVIDER "${requested}"; diagnosing with rules only`);
    return provider ?? null;
  }
  return PROVIDERS.find((provider) => provider.configuredIn(env)) ?? null;
}

/**
 * The model configured by the environment, wrapped with timeouts, retries and a circuit breaker;
 * null means rules only (nothing configured, `none`, or an incomplete configuration, which is logged).
 */
export function createModelFromEnv(env: NodeJS.ProcessEnv, logger: Logger = silentLogger): DiagnosisModel | null {
  const provider = chooseProvider(env, logger);
  if (!provider) {
    logger.debug('no language model configured; diagnosing with rules only');
    return null;
  }
  const model = provider.create(env);
  if (typeof model === 'string') {
    logger.warn({ provider: provider.id }, `${provider.id} provider selected but ${model}; diagnosing with rules only`);
    return null;
  }
  logger.info({ provider: provider.id, model: model.name }, 'language model enabled for the long tail of diagnoses');
  const breaker = new CircuitBreaker();
  const resilient = resilientModel(model, {
    timeoutMs: positiveInteger(env.KUBECURE_LLM_TIMEOUT_MS, DEFAULT_LLM_TIMEOUT_MS, 'KUBECURE_LLM_TIMEOUT_MS', logger),
    maxRetries: positiveInteger(env.KUBECURE_LLM_MAX_RETRIES, DEFAULT_LLM_MAX_RETRIES, 'KUBECURE_LLM_MAX_RETRIES', logger),
    breaker,
    logger,
  });
  // The budget travels with the model, so every caller (reports, retries, explain) honours it.
  return {
    name: resilient.name,
    promptBudgetTokens: promptBudgetFromEnv(env, logger),
    complete: (request) => resilient.complete(request),
    circuitState: () => breaker.state,
  };
}
