/** The change addresses the failure it was made for (an OOM fix raises that container's memory limit). */
import type { FailureCategory } from '../../report/categories.js';
import type { FixKind } from '../../diagnose/types.js';
import type { ValidationCheck } from '../types.js';
import { isObject, touchedPaths, type DocumentChange } from '../changed-documents.js';
import { parseQuantity } from '../../kube/quantity.js';
import { classifyChangedPath, type PatchPolicy } from '../policy.js';
import { resourceHolders } from '../resource-holders.js';

const CATEGORY_FIX_KIND: Partial<Record<FailureCategory, { kind: FixKind; needs: string }>> = {
  ImagePullBackOff: { kind: 'image', needs: 'change the image or its tag' },
  InvalidImageName: { kind: 'image', needs: 'change the image or its tag' },
  CreateContainerConfigError: { kind: 'config-reference', needs: 'change a ConfigMap/Secret reference or key' },
  FailedMount: { kind: 'config-reference', needs: 'change a ConfigMap/Secret reference or key' },
  ProbeFailure: { kind: 'probes', needs: 'change a probe' },
};

const CONTAINER_LISTS = new Set(['containers', 'initContainers']);

/** The container a path points into (by name), or undefined when the path is not inside one. */
function containerNameAt(document: unknown, path: string[]): string | undefined {
  const at = path.findIndex((segment, index) => CONTAINER_LISTS.has(segment) && /^\d+$/.test(path[index + 1] ?? ''));
  if (at < 0) return undefined;
  const container = path.slice(0, at + 2).reduce<unknown>((current, key) => (isObject(current) || Array.isArray(current) ? (current as Record<string, unknown>)[key] : undefined), document);
  return isObject(container) && typeof container.name === 'string' ? container.name : '';
}

/**
 * Fix kinds of the changed paths. Paths inside another container than the failing one do not
 * count: fixing the sidecar's image does not fix the app's pull error.
 */
function changedKinds(changes: DocumentChange[], container: string | null): FixKind[] {
  return changes.flatMap((change) =>
    change.operations
      .flatMap(touchedPaths)
      .filter((path) => {
        const owner = containerNameAt(change.after, path) ?? containerNameAt(change.before, path);
        return container === null || owner === undefined || owner === container;
      })
      .map((path) => classifyChangedPath(path))
      .filter((kind): kind is FixKind => kind !== 'forbidden' && kind !== 'unknown'),
  );
}

function memoryLimit(resources: Record<string, unknown> | undefined): number | null {
  const limits = resources?.limits;
  const value = isObject(limits) ? limits.memory : undefined;
  return typeof value === 'string' || typeof value === 'number' ? parseQuantity(value) : null;
}

function oomCheck(changes: DocumentChange[], container: string | null): ValidationCheck {
  const raised = changes
    .flatMap(resourceHolders)
    .filter((holder) => container === null || holder.container === null || holder.container === container)
    .filter((holder) => {
      const after = memoryLimit(holder.after);
      const before = memoryLimit(holder.before);
      return after !== null && (before === null || after > before);
    });
  if (raised.length > 0) {
    return { name: 'effective', passed: true, message: `raises the memory limit of ${raised.map((holder) => holder.label).join(', ')}` };
  }
  const who = container === null ? 'the container' : `container ${container}`;
  return { name: 'effective', passed: false, message: `an OOMKilled fix must raise the memory limit of ${who}, and this change does not` };
}

export function effectiveCheck(category: FailureCategory, container: string | null, changes: DocumentChange[], policy: PatchPolicy): ValidationCheck {
  if (category === 'OOMKilled') return oomCheck(changes, container);
  const kinds = changedKinds(changes, container);
  const expected = CATEGORY_FIX_KIND[category];
  if (expected) {
    return kinds.includes(expected.kind)
      ? { name: 'effective', passed: true, message: `a ${category} fix must ${expected.needs}; this change does` }
      : { name: 'effective', passed: false, message: `a ${category} fix must ${expected.needs}, and this change does not` };
  }
  const allowed = kinds.filter((kind) => policy.allowedFixKinds.includes(kind));
  return allowed.length > 0
    ? { name: 'effective', passed: true, message: `changes ${[...new Set(allowed)].join(', ')} for a ${category} failure` }
    : { name: 'effective', passed: false, message: `the change makes no allowed fix for a ${category} failure` };
}
