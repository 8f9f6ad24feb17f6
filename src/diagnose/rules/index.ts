/**
 * The diagnosis rules, one per failure class, and how they are run: every rule registered for
 * the report's category is asked, the most confident answer wins, and a fallback that explains
 * what the report shows answers when none applies.
 */
import type { Diagnosis, DiagnosisContext, Rule } from '../types.js';
import { configReferenceRule } from './config-reference.js';
import { crashloopRule } from './crashloop.js';
import { evictedRule } from './evicted.js';
import { failedCreateRule } from './failed-create.js';
import { fallbackDiagnosis } from './fallback.js';
import { imageRule } from './image.js';
import { jobRule } from './job.js';
import { oomRule } from './oom.js';
import { probeRule } from './probe.js';
import { runContainerRule } from './run-container.js';
import { unschedulableRule } from './unschedulable.js';

/** In order of precedence: on equal confidence the earlier rule wins. */
export const rules: readonly Rule[] = [
  oomRule,
  imageRule,
  configReferenceRule,
  probeRule,
  crashloopRule,
  runContainerRule,
  unschedulableRule,
  evictedRule,
  jobRule,
  failedCreateRule,
];

export function rulesFor(category: Diagnosis['category']): Rule[] {
  return rules.filter((rule) => rule.categories.includes(category));
}

export async function runRules(context: DiagnosisContext): Promise<Diagnosis> {
  let best: Diagnosis | null = null;
  for (const rule of rulesFor(context.report.failure.category)) {
    let diagnosis: Diagnosis | null;
    try {
      diagnosis = await rule.diagnose(context);
    } catch {
      // One rule tripping over an unusual repository must not stop the others from answering.
      continue;
    }
    if (diagnosis && (best === null || diagnosis.confidence > best.confidence)) best = diagnosis;
  }
  return best ?? fallbackDiagnosis(context);
}
