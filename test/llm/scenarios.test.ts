/**
 * The long tail: failures no rule explains confidently, each run through a recorded Gemini
 * response and the engine's real edit + validation, ending in the decision a reviewer expects.
 */
import { readdirSync } from 'node:fs';
import type { Operation } from 'fast-json-patch';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diagnoseWithModel } from '../../src/diagnose/llm/diagnose.js';
import { geminiModel } from '../../src/diagnose/llm/gemini.js';
import { resilientModel } from '../../src/diagnose/llm/resilience.js';
import type { FixKind } from '../../src/diagnose/types.js';
import { applyJsonPatchToText } from '../../src/remedy/json-patch.js';
import { DEFAULT_POLICY } from '../../src/remedy/policy.js';
import { validateEdits } from '../../src/remedy/validate.js';
import { containerErrorLines } from '../../src/remedy/repository-facts.js';
import type { FailureReport } from '../../src/report/schema.js';
import { FIXTURES, fixture, GEMINI_HOST, GEMINI_PATH, parseReport, type GeminiBody } from './helpers.js';

interface Scenario {
  description: string;
  report: unknown;
  source: { file: string; documentIndex: number; text: string };
  allowedFixKinds?: FixKind[];
  responses: object[];
  expect: {
    category: string;
    patchAccepted: boolean;
    patch: Operation[] | null;
    confidence: number;
    attempts: number;
    question?: string;
    evidence?: string[];
  };
}

const names = readdirSync(`${FIXTURES}scenarios`)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));

/** The engine's validation with the repository's allowed fix kinds. */
function validator(report: FailureReport, scenario: Scenario) {
  const policy = { ...DEFAULT_POLICY, ...(scenario.allowedFixKinds ? { allowedFixKinds: scenario.allowedFixKinds } : {}) };
  return async (ops: Operation[]) => {
    const after = applyJsonPatchToText(scenario.source.text, scenario.source.documentIndex, ops);
    const result = validateEdits({
      category: report.failure.category,
      container: report.failure.container,
      files: [{ file: scenario.source.file, before: scenario.source.text, after }],
      policy,
      errorLines: containerErrorLines(report),
    });
    return { passed: result.passed, messages: result.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.message}`) };
  };
}

describe('long-tail scenarios', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('has at least ten recorded scenarios', () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
  });

  it.each(names)('%s ends in the expected decision', async (name) => {
    const scenario = fixture<Scenario>(`scenarios/${name}.json`);
    const report = parseReport(scenario.report);
    const bodies: GeminiBody[] = [];
    let scope = nock(GEMINI_HOST);
    for (const response of scenario.responses) {
      scope = scope
        .post(GEMINI_PATH, (body: GeminiBody) => {
          bodies.push(body);
          return true;
        })
        .reply(200, response);
    }

    const result = await diagnoseWithModel({
      report,
      source: scenario.source,
      model: resilientModel(geminiModel({ apiKey: 'k' })),
      validate: validator(report, scenario),
    });

    expect(scope.pendingMocks()).toEqual([]);
    expect(bodies[0]?.contents[0]?.parts[0]?.text).toContain(`## Source manifest \`${scenario.source.file}\``);
    expect(result.failure).toBeUndefined();
    expect(result.diagnosis.category).toBe(scenario.expect.category);
    expect(result.patchAccepted).toBe(scenario.expect.patchAccepted);
    expect(result.patch).toEqual(scenario.expect.patch);
    expect(result.attempts).toBe(scenario.expect.attempts);
    expect(result.diagnosis.confidence).toBe(scenario.expect.confidence);
    expect(result.diagnosis.evidence.length).toBeGreaterThan(0);
    if (scenario.expect.evidence) expect(result.diagnosis.evidence).toEqual(scenario.expect.evidence);
    if (scenario.expect.question) expect(result.diagnosis.question).toBe(scenario.expect.question);
    else expect(result.diagnosis.question).toBeUndefined();
    // Every quote the diagnosis keeps is in what the model was shown.
    const shown = bodies[0]!.contents[0]!.parts[0]!.text.replace(/\s+/g, ' ');
    for (const quote of result.diagnosis.evidence) expect(shown).toContain(quote.replace(/\s+/g, ' ').trim());
  });
});
