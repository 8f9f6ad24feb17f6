/**
 * Every changed path is a fix kind the repository allows; nothing touches privileges, identity
 * or the set of documents and containers.
 */
import type { ValidationCheck } from '../types.js';
import { describeDocument, touchedPaths, type DocumentChange } from '../changed-documents.js';
import { classifyChangedPath, PRIVILEGE_KINDS, type PatchPolicy } from '../policy.js';

/** Documents added or removed are caught earlier: the parse check compares document counts. */
export function policyCheck(changes: DocumentChange[], policy: PatchPolicy): ValidationCheck {
  const rejected: string[] = [];
  const accepted = new Map<string, number>();
  for (const change of changes) {
    if (change.kind && PRIVILEGE_KINDS.has(change.kind)) {
      rejected.push(`${describeDocument(change)}: ${change.kind} objects grant permissions and are never edited`);
      continue;
    }
    for (const operation of change.operations) {
      const op = operation.op === 'add' || operation.op === 'remove' ? operation.op : 'replace';
      const [own = [], ...leaves] = touchedPaths(operation);
      const where = (path: string[]) => `${describeDocument(change)} ${operation.op} ${path.join('.')}`;
      // The operation's own path can forbid on its own (adding a container, whatever it holds);
      // otherwise a written mapping is judged by its leaves (an added securityContext by its fields).
      if (classifyChangedPath(own, op) === 'forbidden') {
        rejected.push(`${where(own)}: forbidden (privileges, identity, volumes or containers)`);
        continue;
      }
      for (const path of leaves.length > 0 ? leaves : [own]) {
        const kind = classifyChangedPath(path, leaves.length > 0 ? 'add' : op);
        if (kind === 'forbidden') rejected.push(`${where(path)}: forbidden (privileges, identity, volumes or containers)`);
        else if (kind === 'unknown') rejected.push(`${where(path)}: not a recognised fix`);
        else if (!policy.allowedFixKinds.includes(kind)) rejected.push(`${where(path)}: fix kind "${kind}" is not allowed (allowed: ${policy.allowedFixKinds.join(', ')})`);
        else accepted.set(kind, (accepted.get(kind) ?? 0) + 1);
      }
    }
  }
  if (rejected.length > 0) {
    return { name: 'policy', passed: false, message: `the change touches fields the policy does not allow: ${rejected.join('; ')}` };
  }
  if (accepted.size === 0) return { name: 'policy', passed: false, message: 'the edit changes nothing' };
  const summary = [...accepted].map(([kind, count]) => `${kind} (${count})`).join(', ');
  return { name: 'policy', passed: true, message: `every changed field is an allowed fix: ${summary}` };
}
