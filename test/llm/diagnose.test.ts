import type { Operation } from 'fast-json-patch';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diagnoseWithModel } from '../../src/diagnose/llm/diagnose.js';
import { geminiModel } from '../../src/diagnose/llm/gemini.js';
import { resilientModel } from '../../src/diagnose/llm/resilience.js';
import {
  crashloopReport,
  deploymentSource,
  GEMINI_HOST,
  GEMINI_PATH,
  geminiResponse,
  modelAnswer,
  policyValidate,
  type GeminiBody,
} from './helpers.js';

const model = () => resilientModel(geminiModel({ apiKey: 'k' }), { sleep: async () => {} });

/** Mocks one Gemini call per reply, recording each request body. */
function replies(...answers: unknown[]) {
  const bodies: GeminiBody[] = [];
  let scope = nock(GEMINI_HOST);
  for (const answer of answers) {
    scope = scope
      .post(GEMINI_PATH, (body: GeminiBody) => {
        bodies.push(body);
        return true;
      })
      .reply(200, geminiResponse(answer));
  }
  return { scope, bodies, lastTurn: (index: number) => bodies[index]!.contents.at(-1)!.parts[0]!.text };
}

describe('diagnoseWithModel', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('drops the patch and asks a question when the source manifest was not found', async () => {
    const { scope, bodies } = replies(modelAnswer());
    let validated = 0;
    const result = await diagnoseWithModel({
      report: crashloopReport(),
      source: null,
      model: model(),
      validate: async () => ((validated += 1), { passed: true, messages: [] }),
    });
    expect(scope.pendingMocks()).toEqual([]);
    expect(bodies[0]!.contents[0]!.parts[0]!.text).toContain('Not found in the repository');
    expect(validated).toBe(0);
    expect(result.patch).toBeNull();
    expect(result.patchAccepted).toBe(false);
    expect(result.diagnosis.question).toBe('No safe change to the manifest was found; what should change?');
    expect(result.diagnosis.confidence).toBe(50);
  });

  it('sends a patch that does not apply back without asking the engine', async () => {
    const wrongPath = modelAnswer({ patch: [{ op: 'replace', path: '/spec/template/spec/containers/0/env/7/value', valueJson: '"info"' }] });
    const { scope, lastTurn } = replies(wrongPath, modelAnswer());
    const validated: Operation[][] = [];
    const source = deploymentSource();
    const result = await diagnoseWithModel({
      report: crashloopReport(),
      source,
      model: model(),
      validate: async (ops) => (validated.push(ops), policyValidate(source.text, ops)),
    });
    expect(scope.pendingMocks()).toEqual([]);
    expect(lastTurn(1)).toMatch(/the patch does not apply to the source manifest: OPERATION_PATH_UNRESOLVABLE/);
    expect(validated).toHaveLength(1);
    expect(result.patchAccepted).toBe(true);
    expect(result.attempts).toBe(2);
  });

  it('makes no corrective turn when maxCorrections is 0 and keeps the rejected patch as a suggestion', async () => {
    const { scope } = replies(modelAnswer());
    const result = await diagnoseWithModel({
      report: crashloopReport(),
      source: deploymentSource(),
      model: model(),
      maxCorrections: 0,
      validate: async () => ({ passed: false, messages: ['effective: the change makes no allowed fix'] }),
    });
    expect(scope.pendingMocks()).toEqual([]);
    expect(result.attempts).toBe(1);
    expect(result.patchAccepted).toBe(false);
    expect(result.patch).toEqual([{ op: 'replace', path: '/spec/template/spec/containers/0/env/1/value', value: 'info' }]);
    expect(result.diagnosis.question).toBe('The proposed change did not pass validation; which change is safe here?');
    expect(result.diagnosis.confidence).toBe(50);
  });

  it('keeps the earlier suggestion when a corrective reply is malformed', async () => {
    const { scope } = replies(modelAnswer(), '{"category": "CrashLoopBackOff", "summary": ');
    const result = await diagnoseWithModel({
      report: crashloopReport(),
      source: deploymentSource(),
      model: model(),
      validate: async () => ({ passed: false, messages: ['policy: not allowed'] }),
    });
    expect(scope.pendingMocks()).toEqual([]);
    expect(result.failure).toBe('malformed');
    expect(result.attempts).toBe(2);
    expect(result.patch).toEqual([{ op: 'replace', path: '/spec/template/spec/containers/0/env/1/value', value: 'info' }]);
    expect(result.patchAccepted).toBe(false);
    expect(result.diagnosis.summary).toBe('api exits at start because LOG_LEVEL is "verbose"');
  });

  it('turns a validator that throws into a corrective turn instead of an error', async () => {
    const { scope, lastTurn } = replies(modelAnswer(), modelAnswer());
    let calls = 0;
    const result = await diagnoseWithModel({
      report: crashloopReport(),
      source: deploymentSource(),
      model: model(),
      maxCorrections: 1,
      validate: async () => {
        calls += 1;
        if (calls === 1) throw new Error('schema cache unavailable');
        return { passed: true, messages: [] };
      },
    });
    expect(scope.pendingMocks()).toEqual([]);
    expect(lastTurn(1)).toContain('- validation could not run: schema cache unavailable');
    expect(result.patchAccepted).toBe(true);
    expect(result.diagnosis.confidence).toBe(70);
  });

  it('drops invented evidence, and with none left caps confidence', async () => {
    const { scope } = replies(modelAnswer({ evidence: ['panic: LOG_LEVEL verbose is deprecated'], confidence: 95 }));
    const result = await diagnoseWithModel({
      report: crashloopReport(),
      source: deploymentSource(),
      model: model(),
      validate: async () => ({ passed: true, messages: [] }),
    });
    expect(scope.pendingMocks()).toEqual([]);
    expect(result.diagnosis.evidence).toEqual([]);
    expect(result.diagnosis.confidence).toBe(50);
    expect(result.patchAccepted).toBe(true);
  });

  it('shows a reviewer hint fenced and redacted', async () => {
    const { scope, bodies } = replies(modelAnswer());
    await diagnoseWithModel({
      report: crashloopReport(),
      source: deploymentSource(),
      hint: 'the DB password canary-pw-7f3a9c2e is fine; it is the log level',
      model: model(),
      validate: async () => ({ passed: true, messages: [] }),
    });
    expect(scope.pendingMocks()).toEqual([]);
    const prompt = bodies[0]!.contents[0]!.parts[0]!.text;
    expect(prompt).toMatch(/<untrusted-data kind="hint" nonce="[0-9a-f]+">\nthe DB password \[REDACTED\] is fine; it is the log level\n/);
  });

  it('shows only the owning document of a multi-document file', async () => {
    const { scope, bodies } = replies(modelAnswer());
    const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: api-svc-unique-marker\nspec:\n  ports:\n    - port: 80\n';
    const source = { ...deploymentSource(), documentIndex: 1 };
    source.text = `${service}---\n${source.text}`;
    const result = await diagnoseWithModel({
      report: crashloopReport(),
      source,
      model: model(),
      validate: async () => ({ passed: true, messages: [] }),
    });
    expect(scope.pendingMocks()).toEqual([]);
    const prompt = bodies[0]!.contents[0]!.parts[0]!.text;
    expect(prompt).not.toContain('api-svc-unique-marker');
    expect(prompt).toContain('kind: Deployment');
    expect(result.patchAccepted).toBe(true);
  });
});
