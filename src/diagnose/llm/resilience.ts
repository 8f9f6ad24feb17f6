/**
 * Keeping a flaky model from slowing down or breaking remediation: bounded retries with
 * backoff on transient errors (honouring the server's Retry-After), a per-call timeout, and a
 * circuit breaker that stops calling a provider that keeps failing so diagnoses fall back to
 * rules at once instead of waiting on every report.
 */
import type { Logger } from '../../logger.js';
import { silentLogger } from '../../logger.js';
import { ModelError, type DiagnosisModel, type ModelReply, type ModelRequest } from './model.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failed calls that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through (default 60 s). */
  cooldownMs?: number;
  now?: () => number;
}

export class CircuitBreaker {
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private consecutiveFailures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a call may go out now. In half-open state only one trial call is allowed at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  recordFailure(): void {
    this.consecutiveFailures += 1;
    // A failed trial re-opens at once; a closed circuit opens at the threshold.
    if (this.trialInFlight || this.consecutiveFailures >= this.failureThreshold) this.openedAt = this.now();
    this.trialInFlight = false;
  }
}

export interface ResilienceOptions {
  /** Retries after the first attempt on 429/5xx/network errors (default 2). */
  maxRetries?: number;
  /** Per-attempt timeout when the request does not set one (default 30 s). */
  timeoutMs?: number;
  /** First backoff delay; doubles on each retry, with jitter (default 500 ms). */
  baseDelayMs?: number;
  /** Longest wait we accept; a Retry-After beyond it ends the retries (default 20 s). */
  maxDelayMs?: number;
  breaker?: CircuitBreaker;
  logger?: Logger;
  /** Injected in tests to observe delays without waiting. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function asModelError(error: unknown): ModelError {
  if (error instanceof ModelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError('unavailable', message, { cause: error });
}

/** Failures that say the provider is unhealthy; a refusal or a bad request says nothing about it. */
function countsAgainstProvider(error: ModelError): boolean {
  return error.transient || error.kind === 'timeout';
}

export function resilientModel(model: DiagnosisModel, options: ResilienceOptions = {}): DiagnosisModel {
  const maxRetries = options.maxRetries ?? 2;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const breaker = options.breaker ?? new CircuitBreaker();
  const logger = options.logger ?? silentLogger;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  function delayBefore(retry: number, error: ModelError): number {
    if (error.retryAfterMs !== undefined) return error.retryAfterMs;
    const exponential = baseDelayMs * 2 ** (retry - 1);
    return Math.round(exponential / 2 + random() * (exponential / 2));
  }

  async function attemptAll(request: ModelRequest): Promise<ModelReply> {
    const timed = { ...request, timeoutMs: request.timeoutMs ?? timeoutMs };
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await model.complete(timed);
      } catch (raw) {
        const error = asModelError(raw);
        if (!error.transient || attempt >= maxRetries) throw error;
        const delay = delayBefore(attempt + 1, error);
        if (delay > maxDelayMs) {
          logger.warn({ model: model.name, delay }, 'model asked to wait longer than we accept; giving up');
          throw error;
        }
        logger.info({ model: model.name, kind: error.kind, status: error.status, delay }, 'retrying model call');
        await sleep(delay);
      }
    }
  }

  return {
    name: model.name,
    async complete(request) {
      if (!breaker.tryAcquire()) {
        throw new ModelError('circuit-open', `${model.name} is failing repeatedly; calls paused until the cool-down ends`);
      }
      try {
        const reply = await attemptAll(request);
        breaker.recordSuccess();
        return reply;
      } catch (raw) {
        const error = asModelError(raw);
        if (countsAgainstProvider(error)) breaker.recordFailure();
        else breaker.recordSuccess();
        throw error;
      }
    },
  };
}
