/**
 * `/kubecure explain`: diagnose again the way the thread was diagnosed (rules, or the model when
 * the model wrote it) and reply with the reasoning. With a model configured it also writes a
 * plain-words summary; without one the reply says it comes from the rule alone.
 */
import { decodeMarker } from '../github/marker.js';
import { explainWithModel } from '../diagnose/llm/explain.js';
import { renderExplanation } from './explanation.js';
import { rediagnose } from './rediagnose.js';
import type { CommandResult, CommandRun } from './types.js';

export async function explain(run: CommandRun): Promise<CommandResult> {
  const { model } = run.deps;
  const modelWroteIt = decodeMarker(run.event.thread.body)?.diagnosedBy?.startsWith('llm:') ?? false;
  const result = await rediagnose(run, { model: modelWroteIt ? model : null, requireConfig: false });
  if ('refusal' in result) return { ok: false, reply: result.refusal };
  const { remediation } = result;

  let modelExplanation: string | null = null;
  if (model) {
    const change = remediation.outcome.changes[0];
    const explained = await explainWithModel({
      report: remediation.report,
      diagnosis: remediation.diagnosis,
      source: change ? { file: change.file, text: change.before } : null,
      model,
    });
    modelExplanation = explained.explanation;
  }
  return { ok: true, reply: renderExplanation(remediation, { modelExplanation, rulesOnly: model === null }) };
}
