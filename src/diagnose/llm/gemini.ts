/**
 * Gemini through `@google/generative-ai`, with structured output: the reply is constrained to
 * the response schema (`responseMimeType: application/json` + `responseSchema`).
 */
import {
  GoogleGenerativeAI,
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIFetchError,
  type GenerateContentResponse,
  type ResponseSchema,
} from '@google/generative-ai';
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

function toModelError(error: unknown, timedOut: boolean): ModelError {
  if (timedOut || error instanceof GoogleGenerativeAIAbortError) {
    return new ModelError('timeout', 'Gemini did not answer in time', { cause: error });
  }
  if (error instanceof GoogleGenerativeAIFetchError && error.status !== undefined) {
    const kind = errorKindForStatus(error.status) ?? 'unavailable';
    const retryAfterMs = retryDelayOf(error.errorDetails);
    return new ModelError(kind, `Gemini answered ${error.status}: ${error.message}`, {
      status: error.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError('unavailable', `Gemini request failed: ${message}`, { cause: error });
}

function replyOf(response: GenerateContentResponse): ModelReply {
  // Thinking models bill their thoughts as output; the SDK's type predates the field.
  const metadata = response.usageMetadata as (GenerateContentResponse['usageMetadata'] & { thoughtsTokenCount?: number }) | undefined;
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
  const text = (candidate.content?.parts ?? []).map((part) => part.text ?? '').join('');
  return { text, usage, ...(finishReason ? { finishReason } : {}) };
}

export function geminiModel(options: GeminiOptions): DiagnosisModel {
  const client = new GoogleGenerativeAI(options.apiKey);
  const name = options.model ?? DEFAULT_GEMINI_MODEL;
  const requestOptions = options.baseUrl ? { baseUrl: options.baseUrl } : {};

  return {
    name,
    async complete(request: ModelRequest): Promise<ModelReply> {
      const generative = client.getGenerativeModel(
        {
          model: name,
          systemInstruction: request.system,
          generationConfig: {
            temperature: 0,
            responseMimeType: 'application/json',
            responseSchema: request.responseSchema as ResponseSchema,
          },
        },
        requestOptions,
      );
      const timer = deadline(request.timeoutMs);
      try {
        const result = await generative.generateContent(
          { contents: request.messages.map((message) => ({ role: message.role, parts: [{ text: message.text }] })) },
          timer.signal ? { signal: timer.signal } : {},
        );
        return replyOf(result.response);
      } catch (error) {
        throw error instanceof ModelError ? error : toModelError(error, timer.signal?.aborted ?? false);
      } finally {
        timer.clear();
      }
    },
  };
}
