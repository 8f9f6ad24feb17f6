/** Shared fixtures and HTTP helpers of the LLM suites. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { parse } from 'yaml';
import { parseFailureReport, type FailureReport } from '../../src/report/schema.js';
import { classifyChangedPath, DEFAULT_POLICY } from '../../src/remedy/policy.js';
import { applyJsonPatchToText } from '../../src/remedy/json-patch.js';
import { validateEdits } from '../../src/remedy/validate.js';
import { containerErrorLines } from '../../src/remedy/repository-facts.js';
import { parseQuantity } from '../../src/kube/quantity.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/llm/', import.meta.url));
export const GEMINI_HOST = 'https://generativelanguage.googleapis.com';
export const GEMINI_PATH = '/v1beta/models/gemini-2.5-flash:generateContent';
export const OPENAI_BASE = 'https://llm.internal.example:8443/v1';

export function fixtureText(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

export function parseReport(input: unknown): FailureReport {
  const parsed = parseFailureReport(input);
  if (!parsed.ok) throw new Error(`bad report fixture: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

export function crashloopReport(): FailureReport {
  return parseReport(fixture('report-crashloop.json'));
}

export function deploymentSource(): { file: string; documentIndex: number; text: string } {
  return { file: 'apps/shop/api/deployment.yaml', documentIndex: 0, text: fixtureText('source-deployment.yaml') };
}

/** The request body a Gemini generateContent call carried. */
export interface GeminiBody {
  contents: Array<{ role: string; parts: Array<{ text: string }> }>;
  systemInstruction: { role: string; parts: Array<{ text: string }> };
  generationConfig: { responseMimeType: string; responseSchema: Record<string, unknown>; temperature: number };
}

/** All text a provider request carried, for canary and fencing assertions. */
export function geminiText(body: GeminiBody): string {
  return [...body.systemInstruction.parts, ...body.contents.flatMap((content) => content.parts)].map((part) => part.text).join('\n');
}

const MAX_MEMORY_BYTES = parseQuantity('4Gi') ?? 4 * 1024 ** 3;

/**
 * A stand-in for the engine's validation: the patch must apply, may not touch forbidden paths
 * (the engine's own path policy) and may not raise memory beyond 4Gi.
 */
export async function policyValidate(source: string, ops: Operation[]): Promise<{ passed: boolean; messages: string[] }> {
  const messages: string[] = [];
  const document = parse(source) as unknown;
  const error = jsonpatch.validate(ops, document);
  if (error) return { passed: false, messages: [`patch does not apply: ${error.name}`] };
  for (const op of ops) {
    const path = op.path.split('/').slice(1);
    const kind = classifyChangedPath(path, op.op === 'add' || op.op === 'remove' || op.op === 'replace' ? op.op : undefined);
    if (kind === 'forbidden') messages.push(`policy: ${op.op} ${op.path} is forbidden`);
    if (op.op === 'remove' && path.length <= 1) messages.push(`policy: removing ${op.path || 'the document'} is forbidden`);
    if ((op.op === 'replace' || op.op === 'add') && path.includes('memory') && typeof op.value === 'string') {
      const bytes = parseQuantity(op.value);
      if (bytes !== null && bytes > MAX_MEMORY_BYTES) messages.push(`bounds: memory ${op.value} exceeds the maximum 4Gi`);
    }
  }
  return { passed: messages.length === 0, messages };
}

/**
 * The engine's own validation, as it plugs into `diagnoseWithModel`: the ops are applied through
 * the surgical YAML editor, then the edited file runs the parse/schema/policy/bounds/effective checks.
 */
export function engineValidate(report: FailureReport, source: { file: string; documentIndex: number; text: string }) {
  return async (ops: Operation[]): Promise<{ passed: boolean; messages: string[] }> => {
    let after: string;
    try {
      after = applyJsonPatchToText(source.text, source.documentIndex, ops);
    } catch (error) {
      return { passed: false, messages: [`edit: ${error instanceof Error ? error.message : String(error)}`] };
    }
    const result = validateEdits({
      category: report.failure.category,
      container: report.failure.container,
      files: [{ file: source.file, before: source.text, after }],
      policy: DEFAULT_POLICY,
      errorLines: containerErrorLines(report),
    });
    return { passed: result.passed, messages: result.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.message}`) };
  };
}

/** A Gemini generateContent response, in the API's shape, whose text is the given answer. */
export function geminiResponse(answer: unknown, usage = { prompt: 2100, output: 190 }): object {
  return {
    candidates: [{ content: { parts: [{ text: typeof answer === 'string' ? answer : JSON.stringify(answer) }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: usage.prompt, candidatesTokenCount: usage.output, totalTokenCount: usage.prompt + usage.output },
    modelVersion: 'gemini-2.5-flash',
  };
}

/** An answer as the response schema describes it. */
export function modelAnswer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category: 'CrashLoopBackOff',
    summary: 'api exits at start because LOG_LEVEL is "verbose"',
    rootCause: 'The application only accepts debug, info, warn or error.',
    evidence: ['ERROR invalid value "verbose" for LOG_LEVEL: expected one of debug, info, warn, error'],
    confidence: 85,
    patch: [{ op: 'replace', path: '/spec/template/spec/containers/0/env/1/value', valueJson: '"info"' }],
    needsHuman: null,
    rationale: null,
    ...overrides,
  };
}
