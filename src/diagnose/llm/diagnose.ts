/**
 * Asking the model for a diagnosis and a patch, and not taking its word for it:
 *
 * - the reply must parse against the response schema, or the diagnosis falls back (`malformed`);
 * - evidence quotes must appear in what the model was shown, unverifiable ones are dropped and
 *   cost confidence;
 * - the patch must apply to the source document and pass the engine's validation; failures are
 *   sent back for at most `maxCorrections` corrective turns, each of which also costs confidence;
 * - model errors (timeout, open circuit, refusal, rate limits) end in a `failure`, never a throw.
 */
import jsonpatch, { type Operation } from 'fast-json-patch';
import { parseAllDocuments } from 'yaml';
import type { FailureReport } from '../../report/schema.js';
import type { Diagnosis } from '../types.js';
import { ModelError, type DiagnosisModel, type ModelMessage, type ModelUsage } from './model.js';
import { buildPrompt } from './prompt.js';
import { DIAGNOSIS_RESPONSE_SCHEMA, parseModelAnswer, verifyEvidence, type ModelAnswer } from './response.js';

export interface ModelDiagnosisInput {
  report: FailureReport;
  source: { file: string; documentIndex: number; text: string } | null;
  hint?: string;
  model: DiagnosisModel;
  budgetTokens?: number;
  /** Corrective turns after a failed validation (default 2). */
  maxCorrections?: number;
  /** The engine's check of a patch: surgical apply, then schema, policy, bounds, effectiveness. */
  validate: (ops: Operation[]) => Promise<{ passed: boolean; messages: string[] }>;
}

/** Why no usable answer came back; the engine tells the reader and falls back to rules. */
export type ModelFailure = 'timeout' | 'circuit open' | 'refusal' | 'rate limited' | 'unavailable' | 'rejected' | 'malformed';

export interface ModelDiagnosis {
  diagnosis: Diagnosis;
  /** The last patch the model proposed (a suggestion when not accepted), or null. */
  patch: Operation[] | null;
  patchAccepted: boolean;
  /** Model calls made (1 + corrective turns). */
  attempts: number;
  usage: ModelUsage & { model: string };
  failure?: ModelFailure;
}

export const DEFAULT_MAX_CORRECTIONS = 2;

/** Confidence lost per quote the model invented, and the ceiling when none could be verified. */
const UNVERIFIED_QUOTE_PENALTY = 15;
const NO_EVIDENCE_CEILING = 50;
/** A patch that needed n corrections is capped at 80 − 10·n. */
const CORRECTED_CEILING = 80;
const PER_CORRECTION_PENALTY = 10;
/** A question for a human, or a patch that never passed validation, is not a confident fix. */
const UNRESOLVED_CEILING = 50;

const FAILURE_OF_ERROR: Record<ModelError['kind'], ModelFailure> = {
  timeout: 'timeout',
  'circuit-open': 'circuit open',
  refusal: 'refusal',
  'rate-limited': 'rate limited',
  unavailable: 'unavailable',
  rejected: 'rejected',
};

export function failureOfError(error: ModelError): ModelFailure {
  return FAILURE_OF_ERROR[error.kind];
}

/** The document the patch applies to: the text may hold one document or the whole file. */
function sourceDocument(source: ModelDiagnosisInput['source']): { text: string; object: unknown } | null {
  if (!source) return null;
  try {
    const documents = parseAllDocuments(source.text);
    if (!Array.isArray(documents) || documents.length === 0) return null;
    if (documents.length === 1) return { text: source.text, object: documents[0]?.toJS() };
    const document = documents[source.documentIndex] ?? documents[0];
    return document ? { text: document.toString(), object: document.toJS() } : null;
  } catch {
    return null;
  }
}

/** Why the operations cannot apply to the document, in words the model can act on. */
function applicationErrors(ops: Operation[], document: unknown): string[] {
  const error = jsonpatch.validate(ops, document);
  if (!error) return [];
  const at = error.operation ? ` (operation ${JSON.stringify(error.operation)})` : '';
  return [`the patch does not apply to the source manifest: ${error.name}${at}`];
}

function correctionTurn(messages: string[]): string {
  return [
    'Your patch was rejected:',
    ...messages.map((message) => `- ${message}`),
    'Answer again with the complete JSON object. The patch must apply to the source manifest exactly as first shown (not to your previous patch).',
    'If no safe patch exists, set patch to null and ask your question in needsHuman.',
  ].join('\n');
}

interface Turn {
  answer: ModelAnswer;
  verified: string[];
  unverified: string[];
}

function adjustedConfidence(turn: Turn, corrections: number, accepted: boolean): number {
  let confidence = turn.answer.confidence - UNVERIFIED_QUOTE_PENALTY * turn.unverified.length;
  if (turn.verified.length === 0) confidence = Math.min(confidence, NO_EVIDENCE_CEILING);
  if (corrections > 0) confidence = Math.min(confidence, CORRECTED_CEILING - PER_CORRECTION_PENALTY * corrections);
  if (!accepted) confidence = Math.min(confidence, UNRESOLVED_CEILING);
  return Math.max(0, Math.round(confidence));
}

export async function diagnoseWithModel(input: ModelDiagnosisInput): Promise<ModelDiagnosis> {
  const { report, model } = input;
  const maxCorrections = input.maxCorrections ?? DEFAULT_MAX_CORRECTIONS;
  const diagnosedBy = `llm:${model.name}`;
  const document = sourceDocument(input.source);
  const budgetTokens = input.budgetTokens ?? model.promptBudgetTokens;
  const prompt = buildPrompt({
    report,
    source: input.source && document ? { file: input.source.file, text: document.text } : null,
    ...(input.hint ? { hint: input.hint } : {}),
    ...(budgetTokens ? { budgetTokens } : {}),
  });

  const usage = { promptTokens: 0, completionTokens: 0, model: model.name };
  const conversation: ModelMessage[] = [{ role: 'user', text: prompt.user }];
  let attempts = 0;
  let last: Turn | null = null;
  let suggestion: Operation[] | null = null;

  const finish = (turn: Turn, patch: Operation[] | null, accepted: boolean, corrections: number, failure?: ModelFailure): ModelDiagnosis => {
    const { answer } = turn;
    const question =
      answer.needsHuman ??
      (patch ? 'The proposed change did not pass validation; which change is safe here?' : 'No safe change to the manifest was found; what should change?');
    return {
      diagnosis: {
        category: answer.category ?? report.failure.category,
        summary: answer.summary,
        rootCause: answer.rootCause,
        evidence: turn.verified,
        confidence: adjustedConfidence(turn, corrections, accepted),
        changes: [],
        ...(answer.rationale ? { rationale: answer.rationale } : {}),
        ...(accepted ? {} : { question }),
        diagnosedBy,
      },
      patch,
      patchAccepted: accepted,
      attempts,
      usage,
      ...(failure ? { failure } : {}),
    };
  };

  const fallBack = (failure: ModelFailure, detail: string): ModelDiagnosis => {
    // A failure after a usable answer keeps that answer as the suggestion.
    if (last) return finish(last, suggestion, false, attempts - 1, failure);
    return {
      diagnosis: {
        category: report.failure.category,
        summary: `The model ${model.name} gave no usable diagnosis (${failure})`,
        rootCause: detail,
        evidence: [],
        confidence: 0,
        changes: [],
        diagnosedBy,
      },
      patch: null,
      patchAccepted: false,
      attempts,
      usage,
      failure,
    };
  };

  for (let corrections = 0; ; corrections += 1) {
    attempts += 1;
    let text: string;
    let finishReason: string | undefined;
    try {
      const reply = await model.complete({ system: prompt.system, messages: conversation, responseSchema: DIAGNOSIS_RESPONSE_SCHEMA });
      usage.promptTokens += reply.usage.promptTokens;
      usage.completionTokens += reply.usage.completionTokens;
      ({ text, finishReason } = reply);
    } catch (error) {
      if (error instanceof ModelError) {
        // An open circuit means no call went out.
        if (error.kind === 'circuit-open') attempts -= 1;
        return fallBack(failureOfError(error), error.message);
      }
      return fallBack('unavailable', error instanceof Error ? error.message : String(error));
    }

    const parsed = parseModelAnswer(text);
    if (!parsed.ok) {
      const cut = finishReason === 'MAX_TOKENS' || finishReason === 'length' ? ' (the reply was cut at the output limit)' : '';
      return fallBack('malformed', `${parsed.error}${cut}`);
    }
    const { verified, unverified } = verifyEvidence(parsed.answer.evidence, prompt.user);
    last = { answer: parsed.answer, verified, unverified };

    const ops = parsed.answer.patch;
    // A model that gives up after a rejection leaves its last patch as the suggestion to show.
    if (!ops || !document) return finish(last, document ? suggestion : null, false, corrections);
    suggestion = ops;

    let problems = applicationErrors(ops, document.object);
    if (problems.length === 0) {
      try {
        const result = await input.validate(ops);
        if (result.passed) return finish(last, ops, true, corrections);
        problems = result.messages.length > 0 ? result.messages : ['validation failed'];
      } catch (error) {
        problems = [`validation could not run: ${error instanceof Error ? error.message : String(error)}`];
      }
    }
    if (corrections >= maxCorrections) return finish(last, ops, false, corrections);
    conversation.push({ role: 'model', text }, { role: 'user', text: correctionTurn(problems) });
  }
}
