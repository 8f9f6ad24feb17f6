/**
 * The one gate every proposed edit passes, whoever proposed it: it touches exactly one document
 * (the located workload), and every field it changes is on the allowlist of the failure class,
 * with a value of the right shape. Refusals carry a stable reason id (see allowlist.ts).
 */
import type { ValidationCheck } from '../types.js';
import { describeDocument, isObject, touchedPaths, type DocumentChange } from '../changed-documents.js';
import { classifyChangedPath, PRIVILEGE_KINDS, type PatchPolicy } from '../policy.js';
import {
  allowedForClass, at, fixKindOf, kustomizationFieldVerdict, podSpecFieldVerdict, REFUSAL_REASONS, valuesFieldVerdict,
  type FieldClass, type GateContext, type RefusalReason, type Verdict,
} from '../allowlist.js';

/** The located workload: the only document a patch may touch, and the only item of a List. */
export interface PatchTarget {
  /** When known (a model's patch is written against this document), the edit must be in it. */
  file?: string;
  documentIndex?: number;
  kind: string;
  name: string;
}

export interface PolicyInput {
  changes: DocumentChange[];
  policy: PatchPolicy;
  gate: Omit<GateContext, 'allowedFixKinds'>;
  target?: PatchTarget;
}

const KUSTOMIZATION_FILE = /(?:^|\/)kustomization\.ya?ml$/i;

interface Refusal {
  reason: RefusalReason;
  where: string;
}

/** Where the pod spec sits in a workload of this kind; null when the kind has none. */
function podSpecPath(document: unknown): string[] | null {
  if (!isObject(document)) return null;
  if (document.kind === 'Pod') return ['spec'];
  if (document.kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  return isObject(at(document, ['spec', 'template', 'spec'])) ? ['spec', 'template', 'spec'] : null;
}

const startsWith = (path: readonly string[], prefix: readonly string[]) => prefix.every((segment, index) => path[index] === segment);

/** A changed leaf of one Kubernetes object or values layer, judged by its exact place. */
function fieldVerdict(kind: string | null, before: unknown, after: unknown, path: string[], gate: GateContext): Verdict {
  const value = at(after, path);
  if (kind === 'Kustomization') return kustomizationFieldVerdict(path, before, after, value, gate);
  if (kind === null) return valuesFieldVerdict(path, before, after, value, gate);
  if (kind === 'HelmRelease') {
    return startsWith(path, ['spec', 'values'])
      ? valuesFieldVerdict(path.slice(2), at(before, ['spec', 'values']), at(after, ['spec', 'values']), value, gate)
      : { ok: false, reason: 'not-allowlisted' };
  }
  const spec = podSpecPath(after) ?? podSpecPath(before);
  if (spec && startsWith(path, spec) && path.length > spec.length) {
    return podSpecFieldVerdict(path.slice(spec.length), { before: at(before, spec), after: at(after, spec) }, value, gate);
  }
  return { ok: false, reason: 'not-allowlisted' };
}

/** The index of the located workload among a List's items, when the List holds it. */
function targetItem(document: unknown, target: PatchTarget | undefined): number | null {
  const items = at(document, ['items']);
  if (!target || !Array.isArray(items)) return null;
  const index = items.findIndex((item) => isObject(item) && item.kind === target.kind && at(item, ['metadata', 'name']) === target.name);
  return index >= 0 ? index : null;
}

function describeRefusal(refusal: Refusal, gate: GateContext, policy: PatchPolicy, field?: FieldClass): string {
  const text =
    refusal.reason === 'forbidden-field' ? 'forbidden (privileges, identity, volumes or containers)'
    : refusal.reason === 'not-allowlisted' ? `not a recognised fix for a ${gate.category} failure`
    : refusal.reason === 'fix-kind-disabled' && field ? `fix kind "${fixKindOf(field)}" is not allowed (allowed: ${policy.allowedFixKinds.join(', ')})`
    : REFUSAL_REASONS[refusal.reason];
  return `${refusal.where}: ${text} [${refusal.reason}]`;
}

export function policyCheck({ changes, policy, gate: partial, target }: PolicyInput): ValidationCheck {
  const gate: GateContext = { ...partial, allowedFixKinds: policy.allowedFixKinds };
  const rejected: string[] = [];
  const accepted = new Map<string, number>();
  const refuse = (refusal: Refusal, field?: FieldClass) => {
    rejected.push(describeRefusal(refusal, gate, policy, field));
  };

  changes.forEach((change, position) => {
    const document = describeDocument(change);
    if (change.kind && PRIVILEGE_KINDS.has(change.kind)) {
      rejected.push(`${document}: ${change.kind} objects grant permissions and are never edited [permission-object]`);
      return;
    }
    if (target?.file !== undefined && (change.file !== target.file || change.documentIndex !== target.documentIndex)) {
      refuse({ reason: 'other-document', where: document });
      return;
    }
    if (position > 0) {
      refuse({ reason: 'several-documents', where: document });
      return;
    }
    const listItem = change.kind === 'List' ? targetItem(change.before, target) : null;
    let editedItem: string | null = null;
    for (const operation of change.operations) {
      const op = operation.op === 'add' || operation.op === 'remove' ? operation.op : 'replace';
      const [own = [], ...leaves] = touchedPaths(operation);
      const where = (path: string[]) => `${document} ${operation.op} ${path.join('.')}`;
      // The operation's own path can forbid on its own (adding a container, whatever it holds);
      // otherwise a written mapping is judged by its leaves (an added securityContext by its fields).
      if (classifyChangedPath(own, op) === 'forbidden') {
        refuse({ reason: 'forbidden-field', where: where(own) });
        continue;
      }
      if (op === 'remove') {
        refuse({ reason: 'removal', where: where(own) });
        continue;
      }
      for (const path of leaves.length > 0 ? leaves : [own]) {
        // kustomization.yaml often omits apiVersion and kind; its file name says what it is.
        let kind = change.kind ?? (KUSTOMIZATION_FILE.test(change.file) ? 'Kustomization' : null);
        let [before, after, inside] = [change.before, change.after, path];
        if (change.kind === 'List') {
          // A List holds several workloads: the edit must stay inside the located one.
          const item = path[1];
          const sameItem = path[0] === 'items' && item !== undefined && (listItem === null ? editedItem === null || editedItem === item : Number(item) === listItem);
          if (!sameItem) {
            refuse({ reason: 'other-list-item', where: where(path) });
            continue;
          }
          editedItem = item!;
          [before, after, inside] = [at(change.before, ['items', item!]), at(change.after, ['items', item!]), path.slice(2)];
          kind = isObject(after) && typeof after.kind === 'string' ? after.kind : null;
          if (kind === null) {
            refuse({ reason: 'not-allowlisted', where: where(path) });
            continue;
          }
        }
        if (classifyChangedPath(inside, 'add') === 'forbidden') {
          refuse({ reason: 'forbidden-field', where: where(path) });
          continue;
        }
        const verdict = fieldVerdict(kind, before, after, inside, gate);
        if (!verdict.ok) {
          refuse({ reason: verdict.reason, where: where(path) });
          continue;
        }
        const allowed = allowedForClass(verdict.field, gate);
        if (!allowed.ok) refuse({ reason: allowed.reason, where: where(path) }, verdict.field);
        else accepted.set(fixKindOf(verdict.field), (accepted.get(fixKindOf(verdict.field)) ?? 0) + 1);
      }
    }
  });

  if (rejected.length > 0) {
    return { name: 'policy', passed: false, message: `the change touches fields the policy does not allow: ${rejected.join('; ')}` };
  }
  if (accepted.size === 0) return { name: 'policy', passed: false, message: 'the edit changes nothing' };
  const summary = [...accepted].map(([field, count]) => `${field} (${count})`).join(', ');
  return { name: 'policy', passed: true, message: `every changed field is an allowed fix: ${summary}` };
}
