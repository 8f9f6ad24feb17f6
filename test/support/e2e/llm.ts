/**
 * An OpenAI-compatible model endpoint behind nock: it records every prompt the App sends and
 * answers with a recorded-style chat completion whose content a test chooses. Unless told
 * otherwise it answers as a careful model does when it cannot tell: no patch, a question for a
 * human, low confidence, so the rules' diagnosis stands.
 */
import nock from 'nock';

export const LLM_BASE_URL = 'https://llm.e2e.test/v1';
export const LLM_API_KEY_ENV = 'OPENAI_API_KEY';

export interface ModelAnswer {
  category: string;
  summary: string;
  rootCause: string;
  evidence: string[];
  confidence: number;
  patch: Array<{ op: 'add' | 'remove' | 'replace'; path: string; valueJson: string | null }> | null;
  needsHuman: string | null;
  rationale: string | null;
}

export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  [key: string]: unknown;
}

export type Responder = (request: ChatRequest) => ModelAnswer;

export const undecidedAnswer: Responder = () => ({
  category: 'CrashLoopBackOff',
  summary: 'The evidence does not show one clear cause',
  rootCause: 'The logs and events shown do not single out a change to the manifest.',
  evidence: [],
  confidence: 15,
  patch: null,
  needsHuman: 'Which recent change to this workload should be reverted?',
  rationale: null,
});

export class FakeModel {
  readonly requests: ChatRequest[] = [];
  responder: Responder = undecidedAnswer;
  #interceptor: nock.Interceptor | null = null;

  /** Everything the App put into prompts, as one text per request. */
  prompts(): string[] {
    return this.requests.map((request) => request.messages.map((message) => message.content).join('\n'));
  }

  /** Environment that points the App at this endpoint. */
  env(apiKey: string): Record<string, string> {
    return { KUBECURE_LLM_PROVIDER: 'openai', OPENAI_BASE_URL: LLM_BASE_URL, [LLM_API_KEY_ENV]: apiKey, KUBECURE_LLM_MODEL: 'e2e-model', KUBECURE_LLM_MAX_RETRIES: '0' };
  }

  start(): this {
    this.#interceptor = nock(new URL(LLM_BASE_URL).origin).persist().post('/v1/chat/completions');
    this.#interceptor.reply((_uri, body) => {
      const request = (typeof body === 'string' ? JSON.parse(body) : body) as ChatRequest;
      this.requests.push(request);
      const answer = this.responder(request);
      return [200, completion(answer), { 'content-type': 'application/json' }];
    });
    return this;
  }

  stop(): void {
    if (this.#interceptor) nock.removeInterceptor(this.#interceptor);
    this.#interceptor = null;
  }
}

function completion(answer: ModelAnswer): object {
  return {
    id: `chatcmpl-e2e${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: 'e2e-model',
    choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(answer), refusal: null }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 2000, completion_tokens: 150, total_tokens: 2150 },
  };
}
