/**
 * The one interface every language-model provider implements. A provider turns a request into
 * a reply or throws a `ModelError` whose `kind` tells the caller whether trying again can help.
 */

export interface ModelMessage {
  role: 'user' | 'model';
  text: string;
}

export interface ModelRequest {
  system: string;
  messages: ModelMessage[];
  /** JSON schema of the reply (OpenAPI subset, as Gemini accepts it; providers adapt it). */
  responseSchema: object;
  timeoutMs?: number;
}

export interface ModelUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ModelReply {
  text: string;
  usage: ModelUsage;
  finishReason?: string;
}

export interface DiagnosisModel {
  /** The model identifier, e.g. "gemini-2.5-flash"; recorded as `llm:<name>`. */
  readonly name: string;
  /** The prompt budget configured for this model (KUBECURE_PROMPT_TOKEN_BUDGET); the default otherwise. */
  readonly promptBudgetTokens?: number;
  complete(request: ModelRequest): Promise<ModelReply>;
  /** The state of the circuit breaker in front of the provider, when there is one (for metrics). */
  circuitState?(): 'closed' | 'open' | 'half-open';
}

/**
 * Why a call failed:
 * - `rate-limited` (429) and `unavailable` (5xx, network) are transient and retried;
 * - `timeout` is not retried (the caller already waited as long as it would);
 * - `refusal` means the model declined (safety filter, explicit refusal);
 * - `rejected` is any other 4xx: the request itself is wrong, retrying cannot help;
 * - `circuit-open` means the call was not attempted because the provider keeps failing.
 */
export type ModelErrorKind = 'rate-limited' | 'unavailable' | 'timeout' | 'refusal' | 'rejected' | 'circuit-open';

export class ModelError extends Error {
  readonly kind: ModelErrorKind;
  readonly status: number | undefined;
  /** How long the server asked us to wait before trying again (Retry-After, RetryInfo). */
  readonly retryAfterMs: number | undefined;

  constructor(kind: ModelErrorKind, message: string, details: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ModelError';
    this.kind = kind;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }

  get transient(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'unavailable';
  }
}

/** Maps an HTTP status to the error kind; null for success. */
export function errorKindForStatus(status: number): ModelErrorKind | null {
  if (status < 400) return null;
  if (status === 429) return 'rate-limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'unavailable';
  return 'rejected';
}

/**
 * Parses a Retry-After header: delta-seconds or an HTTP date. Also accepts the millisecond
 * variant some gateways send (`retry-after-ms`). Returns undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && Number.isFinite(Number(milliseconds))) return Math.max(0, Number(milliseconds));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** An AbortSignal that fires after `timeoutMs`, and a way to release its timer early. */
export function deadline(timeoutMs: number | undefined): { signal: AbortSignal | undefined; clear: () => void } {
  if (timeoutMs === undefined || timeoutMs <= 0) return { signal: undefined, clear: () => {} };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
