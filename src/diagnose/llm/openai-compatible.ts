/**
 * Any OpenAI-compatible chat-completions server over plain `fetch`: OpenAI, Azure-style gateways,
 * LiteLLM, vLLM, Ollama. Asks for JSON-schema structured output and, when the server rejects
 * `response_format: json_schema` (older vLLM/Ollama builds), falls back to `json_object` with the
 * schema spelled out in the system prompt, and remembers that for later calls.
 */
import { deadline, errorKindForStatus, ModelError, parseRetryAfter, type DiagnosisModel, type ModelReply, type ModelRequest } from './model.js';
import { toStrictJsonSchema } from './schema-dialect.js';

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_OPENAI_MODEL = 'gpt-4.1-mini';

export interface OpenAiCompatibleOptions {
  /** Optional: local servers (Ollama, vLLM) usually need none. */
  apiKey?: string;
  baseURL?: string;
  model?: string;
  fetch?: typeof fetch;
}

type ResponseFormat = { type: 'json_schema'; json_schema: { name: string; schema: unknown; strict: boolean } } | { type: 'json_object' };

interface ChatCompletion {
  choices?: Array<{ message?: { content?: string | null; refusal?: string | null }; finish_reason?: string }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** A 400 that names the response format means the server does not support JSON-schema output. */
function rejectsJsonSchema(status: number, body: string): boolean {
  return status === 400 || status === 422 ? /response_format|json_schema|structured/i.test(body) : false;
}

function chatMessages(request: ModelRequest, format: ResponseFormat) {
  // json_object mode cannot carry the schema, so the instructions have to.
  const system =
    format.type === 'json_object'
      ? `${request.system}\n\nReply with one JSON object that matches this JSON schema:\n${JSON.stringify(request.responseSchema)}`
      : request.system;
  return [
    { role: 'system', content: system },
    ...request.messages.map((message) => ({ role: message.role === 'model' ? 'assistant' : 'user', content: message.text })),
  ];
}

function replyOf(completion: ChatCompletion): ModelReply {
  const choice = completion.choices?.[0];
  const usage = {
    promptTokens: completion.usage?.prompt_tokens ?? 0,
    completionTokens: completion.usage?.completion_tokens ?? 0,
  };
  if (!choice?.message) throw new ModelError('unavailable', 'chat completion had no choices');
  if (choice.message.refusal) throw new ModelError('refusal', `model refused: ${choice.message.refusal}`);
  if (choice.finish_reason === 'content_filter') throw new ModelError('refusal', 'model output was blocked by a content filter');
  return { text: choice.message.content ?? '', usage, ...(choice.finish_reason ? { finishReason: choice.finish_reason } : {}) };
}

export function openAiCompatibleModel(options: OpenAiCompatibleOptions): DiagnosisModel {
  const baseURL = (options.baseURL ?? DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, '');
  const name = options.model ?? DEFAULT_OPENAI_MODEL;
  const doFetch = options.fetch ?? fetch;
  let schemaSupported = true;

  async function post(request: ModelRequest, format: ResponseFormat, signal: AbortSignal | undefined): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    return doFetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: name, temperature: 0, messages: chatMessages(request, format), response_format: format }),
      ...(signal ? { signal } : {}),
    });
  }

  function formatFor(request: ModelRequest): ResponseFormat {
    return schemaSupported
      ? { type: 'json_schema', json_schema: { name: 'kubecure_diagnosis', schema: toStrictJsonSchema(request.responseSchema), strict: true } }
      : { type: 'json_object' };
  }

  return {
    name,
    async complete(request: ModelRequest): Promise<ModelReply> {
      const timer = deadline(request.timeoutMs);
      try {
        let response = await post(request, formatFor(request), timer.signal);
        if (!response.ok && schemaSupported) {
          const body = await response.clone().text();
          if (rejectsJsonSchema(response.status, body)) {
            schemaSupported = false;
            response = await post(request, formatFor(request), timer.signal);
          }
        }
        if (!response.ok) {
          const body = await response.text();
          const kind = errorKindForStatus(response.status) ?? 'unavailable';
          const retryAfterMs = parseRetryAfter(response.headers);
          throw new ModelError(kind, `${baseURL} answered ${response.status}: ${body.slice(0, 300)}`, {
            status: response.status,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          });
        }
        return replyOf((await response.json()) as ChatCompletion);
      } catch (error) {
        if (error instanceof ModelError) throw error;
        if (timer.signal?.aborted) throw new ModelError('timeout', `${baseURL} did not answer in time`, { cause: error });
        const message = error instanceof Error ? error.message : String(error);
        throw new ModelError('unavailable', `request to ${baseURL} failed: ${message}`, { cause: error });
      } finally {
        timer.clear();
      }
    },
  };
}
