/**
 * Gemini through `@google/genai`, Google's maintained SDK (it replaced `@google/generative-ai`,
 * whose support ended in 2025), with structured output: the reply is constrained to the response
 * schema (`responseMimeType: application/json` + `responseSchema`).
 */
import { ApiError, GoogleGenAI, type GenerateContentResponse, type Schema } from '@google/genai';
import { deadline, errorKindForStatus, ModelError, type DiagnosisModel, type ModelReply, type ModelRequest } from './model.js';

export const DEFAULT_GEMINI_MODEL = 'gemini-2.5-flash';

export interface GeminiOptions {
  apiKey: string;
  model?: string;
  /** Override of the API endpoint (a proxy, a regional gateway). */
  baseUrl?: string;
}

/** Finish reasons that mean the model declined to answer rather than ran out of room. */
const REFUSAL_REASONS = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'LANGUAGE']);

/** Gemini states how long to back off in a `google.rpc.RetryInfo` detail ("retryDelay": "37s"). */
function retryDelayOf(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details as Array<Record<string, unknown>>) {
    const delay = detail?.retryDelay;
    if (typeof detail?.['@type'] === 'string' && detail['@type'].endsWith('RetryInfo') && typeof delay === 'string') {
      const seconds = Number.parseFloat(delay);
      if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    }
  }
  return undefined;
}

/** The SDK puts the API's JSON error body, verbatim, in the error's message. */
function errorBodyOf(error: ApiError): { message: string; details?: unknown } {
  try {
    const body = JSON.parse(error.message) as { error?: { message?: unknown; details?: unknown } };
    const message = typeof body.error?.message === 'string' ? body.error.message : error.message;
    return { message, details: body.error?.details };
  } catch {
    return { message: error.message };
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

function toModelError(error: unknown, timedOut: boolean): ModelError {
  if (timedOut || isAbort(error)) {
    return new ModelError('timeout', 'Gemini did not answer in time', { cause: error });
  }
  if (error instanceof ApiError) {
    const kind = errorKindForStatus(error.status) ?? 'unavailable';
    const body = errorBodyOf(error);
    const retryAfterMs = retryDelayOf(body.details);
    return new ModelError(kind, `Gemini answered ${error.status}: ${body.message}`, {
      status: error.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError('unavailable', `Gemini request failed: ${message}`, { cause: error });
}

function replyOf(response: GenerateContentResponse): ModelReply {
  // Thinking models bill their thoughts as output.
  const metadata = response.usageMetadata;
  const usage = {
    promptTokens: metadata?.promptTokenCount ?? 0,
    completionTokens: (metadata?.candidatesTokenCount ?? 0) + (metadata?.thoughtsTokenCount ?? 0),
  };
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason) throw new ModelError('refusal', `Gemini blocked the prompt: ${blockReason}`);
  const candidate = response.candidates?.[0];
  if (!candidate) throw new ModelError('refusal', 'Gemini returned no candidate');
  const finishReason = candidate.finishReason ? String(candidate.finishReason) : undefined;
  if (finishReason && REFUSAL_REASONS.has(finishReason)) {
    throw new ModelError('refusal', `Gemini stopped with finishReason ${finishReason}`);
  }
  // Thought parts are the model's scratchpad, not its answer.
  const text = (candidate.content?.parts ?? [])
    .filter((part) => !part.thought)
    .map((part) => part.text ?? '')
    .join('');
  return { text, usage, ...(finishReason ? { finishReason } : {}) };
}

export function geminiModel(options: GeminiOptions): DiagnosisModel {
  // Retries stay with `resilientModel`, which honours RetryInfo and feeds the circuit breaker;
  // the SDK's own retry loop is off because no `retryOptions` are given.
  const client = new GoogleGenAI({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}),
  });
  const name = options.model ?? DEFAULT_GEMINI_MODEL;

  return {
    name,
    async complete(request: ModelRequest): Promise<ModelReply> {
      const timer = deadline(request.timeoutMs);
      try {
        const response = await client.models.generateContent({
          model: name,
          contents: request.messages.map((message) => ({ role: message.role, parts: [{ text: message.text }] })),
          config: {
            systemInstruction: request.system,
            temperature: 0,
            responseMimeType: 'application/json',
            responseSchema: request.responseSchema as Schema,
            ...(timer.signal ? { abortSignal: timer.signal } : {}),
          },
        });
        return replyOf(response);
      } catch (error) {
        throw error instanceof ModelError ? error : toModelError(error, timer.signal?.aborted ?? false);
      } finally {
        timer.clear();
      }
    },
  };
}
