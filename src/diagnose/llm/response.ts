/**
 * What the model must return, as a response schema (sent to the provider) and a zod parser
 * (applied to what comes back, because structured output is a request, not a guarantee).
 *
 * Patch values travel as JSON text (`valueJson: "\"512Mi\""`, `"8080"`, `"{\"port\": 8080}"`):
 * provider schemas cannot express "any JSON value", and a string keeps `"8080"` and `8080` apart.
 */
import type { Operation } from 'fast-json-patch';
import { z } from 'zod';
import { FAILURE_CATEGORIES, type FailureCategory } from '../../report/categories.js';

/** Only the operations the surgical editor can apply to a YAML document. */
export const PATCH_OPS = ['add', 'remove', 'replace'] as const;

/** OpenAPI-subset schema (Gemini's dialect; converted for OpenAI-compatible servers). */
export const DIAGNOSIS_RESPONSE_SCHEMA = {
  type: 'object',
  properties: {
    category: { type: 'string', format: 'enum', enum: [...FAILURE_CATEGORIES], description: 'The failure category.' },
    summary: { type: 'string', description: 'One line: what failed and why.' },
    rootCause: { type: 'string', description: 'A short paragraph explaining the root cause.' },
    evidence: {
      type: 'array',
      items: { type: 'string' },
      description: 'Lines quoted verbatim from the logs, events, status message or manifest that prove the root cause.',
    },
    confidence: { type: 'integer', description: '0-100: how sure you are that the patch fixes the failure.' },
    patch: {
      type: 'array',
      nullable: true,
      description: 'RFC 6902 operations against the source manifest shown, or null when no safe change exists.',
      items: {
        type: 'object',
        properties: {
          op: { type: 'string', format: 'enum', enum: [...PATCH_OPS] },
          path: { type: 'string', description: 'JSON Pointer into the source manifest, e.g. /spec/template/spec/containers/0/args/1' },
          valueJson: { type: 'string', nullable: true, description: 'The new value encoded as JSON text; null for remove.' },
        },
        required: ['op', 'path', 'valueJson'],
      },
    },
    needsHuman: {
      type: 'string',
      nullable: true,
      description: 'When no safe patch exists: the question a human must answer. Otherwise null.',
    },
    rationale: { type: 'string', nullable: true, description: 'Why the patch fixes the failure.' },
  },
  required: ['category', 'summary', 'rootCause', 'evidence', 'confidence', 'patch', 'needsHuman', 'rationale'],
} as const;

const PatchOpSchema = z.object({
  op: z.enum(PATCH_OPS),
  path: z.string().regex(/^(\/[^/]*)+$/, 'must be a JSON Pointer such as /spec/replicas'),
  valueJson: z.string().nullish(),
});

const ModelAnswerSchema = z.object({
  category: z.string(),
  summary: z.string().trim().min(1),
  rootCause: z.string().default(''),
  evidence: z.array(z.string()).default([]),
  confidence: z.coerce.number().transform((value) => Math.max(0, Math.min(100, Math.round(value)))),
  patch: z.array(PatchOpSchema).nullish(),
  needsHuman: z.string().nullish(),
  rationale: z.string().nullish(),
});

export interface ModelAnswer {
  category: FailureCategory | null;
  summary: string;
  rootCause: string;
  evidence: string[];
  confidence: number;
  /** Null when the model proposes no change. */
  patch: Operation[] | null;
  needsHuman: string | null;
  rationale: string | null;
}

export type ParsedAnswer = { ok: true; answer: ModelAnswer } | { ok: false; error: string };

/** Some servers wrap JSON in a Markdown fence even in JSON mode. */
function stripCodeFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  return fenced?.[1] ?? text;
}

function toOperation(op: z.infer<typeof PatchOpSchema>): Operation | string {
  if (op.op === 'remove') return { op: 'remove', path: op.path };
  if (op.valueJson === undefined || op.valueJson === null) return `${op.op} ${op.path} has no valueJson`;
  let value: unknown;
  try {
    value = JSON.parse(op.valueJson);
  } catch {
    // A bare word ("512Mi") is what the model meant as a string.
    value = op.valueJson;
  }
  return { op: op.op, path: op.path, value };
}

export function parseModelAnswer(text: string): ParsedAnswer {
  let json: unknown;
  try {
    json = JSON.parse(stripCodeFence(text));
  } catch (error) {
    return { ok: false, error: `reply is not JSON: ${(error as Error).message}` };
  }
  const parsed = ModelAnswerSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, error: `reply does not match the schema: ${issues.join('; ')}` };
  }
  const answer = parsed.data;
  const operations: Operation[] = [];
  for (const op of answer.patch ?? []) {
    const operation = toOperation(op);
    if (typeof operation === 'string') return { ok: false, error: operation };
    operations.push(operation);
  }
  const category = (FAILURE_CATEGORIES as readonly string[]).includes(answer.category) ? (answer.category as FailureCategory) : null;
  const needsHuman = answer.needsHuman?.trim() ? answer.needsHuman.trim() : null;
  return {
    ok: true,
    answer: {
      category,
      summary: answer.summary,
      rootCause: answer.rootCause,
      evidence: answer.evidence.map((line) => line.trim()).filter((line) => line !== ''),
      confidence: answer.confidence,
      patch: operations.length > 0 ? operations : null,
      needsHuman,
      rationale: answer.rationale?.trim() ? answer.rationale.trim() : null,
    },
  };
}

/** Quotes must come from what the model was shown; anything else may be invented. */
export function verifyEvidence(evidence: string[], shownText: string): { verified: string[]; unverified: string[] } {
  const haystack = collapseWhitespace(shownText);
  const verified: string[] = [];
  const unverified: string[] = [];
  for (const quote of evidence) {
    const needle = collapseWhitespace(stripRepeatMarker(quote));
    if (needle.length >= 4 && haystack.includes(needle)) verified.push(quote);
    else unverified.push(quote);
  }
  return { verified, unverified };
}

/** The model may quote a merged line together with the `[×N]` marker the compressor added. */
function stripRepeatMarker(quote: string): string {
  return quote.replace(/\s+\[×\d+\]\s*$/, '');
}

function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
