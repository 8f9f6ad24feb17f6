/**
 * The heart of KubeCure: `remediate(report, repo) → Remediation`.
 *
 *   locate → diagnose → edit → validate → decide
 *
 * It knows nothing of GitHub or HTTP. Rules speak first; the model (when configured) is asked
 * for the long tail or when a reviewer gave a hint. Whatever proposed the change, the same
 * surgical editor writes it and the same validation judges it: the policy, not the proposer,
 * has the last word.
 */
import type { Operation } from 'fast-json-patch';
import { parse as parseYaml } from 'yaml';
import type { FailureReport } from './report/schema.js';
import { fingerprintOf } from './report/fingerprint.js';
import type { RepoIndex, RepoView, SourceLocation, YamlEdit } from './locate/types.js';
import { indexRepository } from './locate/index-repo.js';
import { locateWorkload } from './locate/locate.js';
import { changedEnvironments, indexWithChangedFiles, renderEnvironments, type EnvironmentRenders } from './locate/environments.js';
import type { Diagnosis, DiagnosisContext, FieldChange } from './diagnose/types.js';
import { runRules } from './diagnose/rules/index.js';
import { applyReviewerValue, readReviewerValue } from './diagnose/reviewer-value.js';
import type { DiagnosisModel } from './diagnose/llm/model.js';
import { diagnoseWithModel, type ModelDiagnosis } from './diagnose/llm/diagnose.js';
import { applyEditsToFiles } from './remedy/apply-edits.js';
import { fieldChangesFromPatch } from './remedy/patch-changes.js';
import { applyJsonPatchToText } from './remedy/json-patch.js';
import { fileChange } from './remedy/diff.js';
import { DEFAULT_POLICY, type PatchPolicy } from './remedy/policy.js';
import { validateEdits } from './remedy/validate.js';
import { refusalReasons, type RepositoryFacts } from './remedy/allowlist.js';
import type { PatchTarget } from './remedy/checks/policy.js';
import { containerErrorLines, repositoryFacts } from './remedy/repository-facts.js';
import type { FileChange, ValidationResult } from './remedy/types.js';
import type { Outcome, Remediation } from './outcome.js';
import { silentLogger, type Logger } from './logger.js';
import { documentText } from './remedy/document-text.js';

export const DEFAULT_THRESHOLD = 80;

export interface RemediateOptions {
  /** Confidence a diagnosis needs for a pull request (0–100). */
  threshold?: number;
  policy?: Partial<PatchPolicy>;
  /** The LLM for the long tail; null or absent means rules only. */
  model?: DiagnosisModel | null;
  /** A reviewer's hint from `/kubecure retry <hint>`: a named value the rules apply, else passed to the model. */
  hint?: string;
  /** Restricts indexing to these path prefixes (`.github/kubecure.yml` → paths). */
  paths?: string[];
  /** An index of the same repository built earlier (the App caches it by tree SHA). */
  index?: RepoIndex;
  logger?: Logger;
}

/** What the patch gate judges a proposal against, whoever made it. */
interface Gate {
  report: FailureReport;
  scope: ScopeContext;
  /** Read once, and only when a proposal has a change to judge. */
  facts: () => Promise<RepositoryFacts>;
  errorLines: string[];
  location: SourceLocation | null;
}

/** A proposal turned into file changes, ready to be validated. */
interface Proposal {
  diagnosis: Diagnosis;
  files: FileChange[];
  /** Why the proposal could not be written, when it could not. */
  problems: string[];
}

export async function remediate(report: FailureReport, repo: RepoView, options: RemediateOptions = {}): Promise<Remediation> {
  const logger = options.logger ?? silentLogger;
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const policy: PatchPolicy = { ...DEFAULT_POLICY, ...options.policy };
  const notes: string[] = [];

  const index = options.index ?? (await indexRepository(repo, { paths: options.paths, logger }));
  notes.push(...index.warnings);
  const located = await locateWorkload(report, index, logger);
  const location = located.found;
  if (!located.found) notes.push(`Source not found: ${located.reason}`);
  else {
    // Other documents of the edited file (a multi-document manifest) are not "elsewhere".
    const elsewhere = [...new Set(located.alternatives.map((alternative) => alternative.file))].filter((file) => file !== located.found.file);
    if (elsewhere.length > 0) notes.push(`Also declared in: ${elsewhere.join(', ')}`);
  }

  const context: DiagnosisContext = {
    report,
    index,
    location,
    limits: { maxMemory: policy.maxMemory, maxIncreaseFactor: policy.maxIncreaseFactor },
  };
  const reviewed = await reviewRules(await runRules(context), report, threshold, options);
  let hintNotApplied = reviewed.note;
  // The reviewer's explicit value is held to the hard ceilings, not to KubeCure's automatic step.
  const rulePolicy = reviewed.applied ? { ...policy, maxIncreaseFactor: Number.POSITIVE_INFINITY } : policy;
  const scope = scopeOf(index, location);
  let facts: Promise<RepositoryFacts> | undefined;
  const gate: Gate = { report, facts: () => (facts ??= repositoryFacts(index, report.pod.namespace)), errorLines: containerErrorLines(report), location, scope };
  let proposal = await proposeFromRule(reviewed.diagnosis, location, index);
  let validation = await validateProposal(proposal, gate, rulePolicy);
  let usage: Remediation['usage'];
  // A hint the rules applied is done; the model hears only hints the rules cannot read.
  const hint = reviewed.applied ? undefined : options.hint;

  if (options.model && shouldAskModel(proposal.diagnosis, validation, threshold, hint)) {
    const asked = await askModel(gate, index, policy, options.model, hint);
    usage = asked.usage;
    if (asked.failure) notes.push(`The model was not used: ${asked.failure}. This diagnosis comes from the rules alone.`);
    const modelProposal = await proposeFromModel(asked, location, index, report.failure.container);
    if (modelProposal && preferModel(modelProposal.diagnosis, proposal.diagnosis, hint)) {
      proposal = modelProposal;
      validation = await validateProposal(proposal, gate, policy, modelTarget(location));
    }
  } else if (!options.model && needsModel(proposal.diagnosis, threshold)) {
    notes.push('No model is configured (rules only): a model might explain this failure further.');
  }
  if (hint && !options.model) hintNotApplied ??= HINT_NEEDS_MODEL(hint);
  if (hintNotApplied) notes.push(hintNotApplied);

  const ambiguousWith = located.found ? (located.ambiguousWith ?? []) : [];
  const reasons = [...decisionBlockers(proposal, validation, location, threshold), ...ambiguityBlockers(location, ambiguousWith)];
  const outcome = buildOutcome(proposal, validation, location, reasons.length === 0);
  const fingerprint = fingerprintOf(report);
  const refusals = refusalReasons(outcome.validation);
  logger.info({ fingerprint, decision: outcome.decision, confidence: outcome.confidence, diagnosedBy: outcome.diagnosedBy, ...(refusals.length > 0 ? { refusals } : {}) }, 'remediation decided');
  return {
    outcome,
    report,
    fingerprint,
    diagnosis: proposal.diagnosis,
    location,
    reasons,
    // Problems that blocked the pull request are reasons already; the rest are worth a note.
    notes: [...notes, ...proposal.problems.filter((problem) => !reasons.includes(problem))],
    ...(hintNotApplied ? { hintNotApplied } : {}),
    usage,
  };
}

/** Said when a hint is free text and only a model could read it. */
export const HINT_NEEDS_MODEL = (hint: string): string =>
  `The hint "${hint}" was not applied: no model is configured, and without one KubeCure applies only hints that name a value (\`use 1Gi\`, \`use 500m cpu\`, \`use tag 1.4.2\`, \`use port 8080\`).`;

/** The rules' diagnosis with the reviewer's value in it when the hint names one. */
async function reviewRules(
  ruled: Diagnosis,
  report: FailureReport,
  threshold: number,
  options: RemediateOptions,
): Promise<{ diagnosis: Diagnosis; applied: boolean; note?: string }> {
  const wanted = options.hint ? readReviewerValue(options.hint) : null;
  if (!wanted) return { diagnosis: ruled, applied: false };
  const reviewed = applyReviewerValue(ruled, wanted, report, threshold);
  if (!reviewed.ok) return { diagnosis: ruled, applied: false, note: reviewed.reason };
  return { diagnosis: reviewed.diagnosis, applied: true };
}

function needsModel(diagnosis: Diagnosis, threshold: number): boolean {
  return diagnosis.confidence < threshold || diagnosis.changes.length === 0;
}

/** The model is asked for the long tail, and always when a reviewer gave a hint. */
function shouldAskModel(diagnosis: Diagnosis, validation: ValidationResult, threshold: number, hint?: string): boolean {
  return Boolean(hint) || needsModel(diagnosis, threshold) || !validation.passed;
}

function preferModel(model: Diagnosis, rule: Diagnosis, hint?: string): boolean {
  if (hint && model.changes.length > 0) return true;
  return model.confidence > rule.confidence || (rule.changes.length === 0 && model.changes.length > 0);
}

/** Writes a rule's field changes into the files of the layer that sets each field. */
async function proposeFromRule(diagnosis: Diagnosis, location: SourceLocation | null, index: RepoIndex): Promise<Proposal> {
  if (diagnosis.changes.length === 0) return { diagnosis, files: [], problems: [] };
  if (!location) return { diagnosis, files: [], problems: ['The change could not be written: the manifest was not found.'] };
  const edits: YamlEdit[] = [];
  const problems: string[] = [];
  for (const change of diagnosis.changes) {
    const resolution = location.resolve(change);
    if (resolution.ok) edits.push(...resolution.edits);
    else problems.push(`Cannot write ${describeChange(change)}: ${resolution.reason}`);
  }
  if (problems.length > 0) return { diagnosis, files: [], problems };
  try {
    return { diagnosis, files: await applyEditsToFiles(edits, (path) => index.readFile(path)), problems };
  } catch (error) {
    return { diagnosis, files: [], problems: [`The edit failed: ${(error as Error).message}`] };
  }
}

function describeChange(change: FieldChange): string {
  const where = change.container ? `container ${change.container} ` : '';
  return `${where}${change.path.join('.')} = ${String(change.value)}`;
}

async function validateProposal(proposal: Proposal, gate: Gate, policy: PatchPolicy, target?: PatchTarget): Promise<ValidationResult> {
  if (proposal.files.length === 0) {
    const message = proposal.problems[0] ?? 'No change was proposed; a human has to decide.';
    return { passed: false, checks: [{ name: 'change', passed: false, message }] };
  }
  return validateFiles(proposal.files, gate, policy, target);
}

/**
 * The located workload a patch may touch. A rule's edits land in the layer that sets the field
 * (an overlay, a values file), so only the workload's identity is known; a model's patch is
 * written against the document it was shown, so that document is the only one it may edit.
 */
function ruleTarget(location: SourceLocation | null): PatchTarget | undefined {
  return location ? { kind: location.kind, name: location.name } : undefined;
}

function modelTarget(location: SourceLocation | null): PatchTarget | undefined {
  return location ? { file: location.file, documentIndex: location.documentIndex, kind: location.kind, name: location.name } : undefined;
}

/** What the scope check needs: the repository rendered once as it is, and the failing environment. */
interface ScopeContext {
  index: RepoIndex;
  failing: string | null;
  before: () => Promise<EnvironmentRenders>;
}

function scopeOf(index: RepoIndex, location: SourceLocation | null): ScopeContext {
  let before: Promise<EnvironmentRenders> | null = null;
  return {
    index,
    failing: location?.environment ?? null,
    before: () => (before ??= renderEnvironments(index)),
  };
}

/** The one gate: rules and the model are judged by the same checks against the same facts. */
async function validateFiles(files: FileChange[], gate: Gate, policy: PatchPolicy, target: PatchTarget | undefined = ruleTarget(gate.location)): Promise<ValidationResult> {
  const { scope } = gate;
  const after = await renderEnvironments(indexWithChangedFiles(scope.index, files));
  return validateEdits({
    category: gate.report.failure.category,
    container: gate.report.failure.container,
    files: files.map(({ file, before, after: edited }) => ({ file, before, after: edited })),
    policy,
    facts: await gate.facts(),
    errorLines: gate.errorLines,
    target,
    scope: { failing: scope.failing, ...changedEnvironments(await scope.before(), after, scope.failing) },
  });
}

async function askModel(gate: Gate, index: RepoIndex, policy: PatchPolicy, model: DiagnosisModel, hint: string | undefined): Promise<ModelDiagnosis> {
  const { report, location } = gate;
  const source = location ? await sourceDocument(location, index) : null;
  return diagnoseWithModel({
    report,
    source,
    hint,
    model,
    validate: async (ops) => {
      if (!source) return { passed: false, messages: ['No source document was shown: no patch can be applied.'] };
      const result = await validateModelPatch(ops, source, gate, policy);
      return { passed: result.passed, messages: result.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.message}`) };
    },
  });
}

interface SourceDocument {
  file: string;
  documentIndex: number;
  text: string;
  fileText: string;
}

async function sourceDocument(location: SourceLocation, index: RepoIndex): Promise<SourceDocument | null> {
  const fileText = await index.readFile(location.file);
  if (fileText === null) return null;
  return { file: location.file, documentIndex: location.documentIndex, text: documentText(fileText, location.documentIndex), fileText };
}

function patchFile(ops: Operation[], source: SourceDocument): FileChange {
  return fileChange(source.file, source.fileText, applyJsonPatchToText(source.fileText, source.documentIndex, ops));
}

async function validateModelPatch(ops: Operation[], source: SourceDocument, gate: Gate, policy: PatchPolicy): Promise<ValidationResult> {
  let change: FileChange;
  try {
    change = patchFile(ops, source);
  } catch (error) {
    return { passed: false, checks: [{ name: 'apply', passed: false, message: (error as Error).message }] };
  }
  return validateFiles([change], gate, policy, modelTarget(gate.location));
}

async function proposeFromModel(
  asked: ModelDiagnosis,
  location: SourceLocation | null,
  index: RepoIndex,
  failingContainer: string | null,
): Promise<Proposal | null> {
  if (asked.failure && !asked.patch) return null;
  if (!asked.patch || asked.patch.length === 0 || !location) return { diagnosis: asked.diagnosis, files: [], problems: [] };
  const source = await sourceDocument(location, index);
  if (!source) return { diagnosis: asked.diagnosis, files: [], problems: [`${location.file} could not be read.`] };
  // The patch is what gets written; its field changes only describe it (titles, explain).
  const diagnosis = { ...asked.diagnosis, changes: fieldChangesFromPatch(parseYaml(source.text), asked.patch, failingContainer) };
  try {
    const file = patchFile(asked.patch, source);
    const problems = asked.patchAccepted ? [] : ['The model’s last proposal did not pass validation; it is shown as a suggestion.'];
    return { diagnosis, files: file.after === file.before ? [] : [file], problems };
  } catch (error) {
    return { diagnosis, files: [], problems: [`The model’s patch could not be applied: ${(error as Error).message}`] };
  }
}

/** Every reason the outcome cannot be a pull request; empty means it can. */
function decisionBlockers(proposal: Proposal, validation: ValidationResult, location: SourceLocation | null, threshold: number): string[] {
  const blockers: string[] = [];
  const { diagnosis } = proposal;
  if (!location) blockers.push('The manifest that declares this workload was not found in the repository.');
  if (proposal.files.length === 0 && diagnosis.changes.length === 0) {
    blockers.push(diagnosis.question ?? 'No safe change could be derived from the evidence.');
  } else if (proposal.files.length === 0 && location) {
    blockers.push(...proposal.problems);
  }
  if (diagnosis.confidence < threshold) {
    blockers.push(`Confidence ${diagnosis.confidence} is below the threshold of ${threshold}.`);
  }
  if (proposal.files.length > 0 && !validation.passed) {
    const failed = validation.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.message}`);
    blockers.push(`Validation failed (${failed.join('; ')}).`);
  }
  return blockers;
}

/**
 * Several sources declare the workload equally well (same name in two environment folders and no
 * hint says which one this cluster runs): editing one of them would be a guess, so a human picks.
 */
function ambiguityBlockers(location: SourceLocation | null, ambiguousWith: string[]): string[] {
  if (!location || ambiguousWith.length === 0) return [];
  return [`The workload is declared equally well in ${[location.file, ...ambiguousWith].join(' and ')}; nothing in the report says which one this cluster runs.`];
}

function buildOutcome(proposal: Proposal, validation: ValidationResult, location: SourceLocation | null, confident: boolean): Outcome {
  const { diagnosis } = proposal;
  return {
    decision: confident ? 'pull_request' : 'issue',
    confidence: diagnosis.confidence,
    category: diagnosis.category,
    summary: diagnosis.summary,
    rootCause: diagnosis.rootCause,
    evidence: diagnosis.evidence,
    target: location ? { file: location.file, kind: location.kind, name: location.name, namespace: location.namespace } : null,
    changes: proposal.files,
    validation,
    diagnosedBy: diagnosis.diagnosedBy,
  };
}
