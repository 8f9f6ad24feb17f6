/**
 * Resource changes stay within bounds: at most the configured ceiling, at most `factor` times the
 * previous value, and never a limit below its request.
 */
import type { ValidationCheck } from '../types.js';
import type { DocumentChange } from '../changed-documents.js';
import { isObject } from '../changed-documents.js';
import { parseQuantity } from '../../kube/quantity.js';
import type { PatchPolicy } from '../policy.js';
import { resourceHolders, type ResourceHolder } from '../resource-holders.js';

const BOUNDED_RESOURCES = ['memory', 'cpu'] as const;

function quantityAt(resources: Record<string, unknown> | undefined, group: string, resource: string): string | number | undefined {
  const values = resources?.[group];
  const value = isObject(values) ? values[resource] : undefined;
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

function holderProblems(holder: ResourceHolder, policy: PatchPolicy): string[] {
  const problems: string[] = [];
  let changed = false;
  for (const resource of BOUNDED_RESOURCES) {
    const ceiling = parseQuantity(resource === 'memory' ? policy.maxMemory : policy.maxCpu);
    const ceilingText = resource === 'memory' ? policy.maxMemory : policy.maxCpu;
    for (const group of ['limits', 'requests']) {
      const before = quantityAt(holder.before, group, resource);
      const after = quantityAt(holder.after, group, resource);
      if (after === undefined || after === before) continue;
      changed = true;
      const next = parseQuantity(after);
      const previous = before === undefined ? null : parseQuantity(before);
      const where = `${holder.label} ${group}.${resource}`;
      if (next === null) continue;
      // Each refusal names the setting that raises it: the reader can decide to.
      if (ceiling !== null && next > ceiling) problems.push(`${where} ${after} exceeds the ceiling ${ceilingText} (fixes.${resource === 'memory' ? 'maxMemory' : 'maxCpu'})`);
      if (previous !== null && previous > 0 && next > previous * policy.maxIncreaseFactor + 1e-9) {
        problems.push(`${where} ${before} → ${after} is more than ${policy.maxIncreaseFactor}× the previous value (fixes.maxIncreaseFactor)`);
      }
    }
  }
  if (!changed) return problems;
  for (const resource of BOUNDED_RESOURCES) {
    const limit = quantityAt(holder.after, 'limits', resource);
    const request = quantityAt(holder.after, 'requests', resource);
    const limitValue = limit === undefined ? null : parseQuantity(limit);
    const requestValue = request === undefined ? null : parseQuantity(request);
    if (limitValue !== null && requestValue !== null && limitValue < requestValue) {
      problems.push(`${holder.label} limits.${resource} ${limit} is below its request ${request}`);
    }
  }
  return problems;
}

export function boundsCheck(changes: DocumentChange[], policy: PatchPolicy): ValidationCheck {
  const holders = changes.flatMap(resourceHolders);
  const problems = holders.flatMap((holder) => holderProblems(holder, policy));
  if (problems.length > 0) return { name: 'bounds', passed: false, message: `resource values are out of bounds: ${problems.join('; ')}` };
  return {
    name: 'bounds',
    passed: true,
    message: Number.isFinite(policy.maxIncreaseFactor)
      ? `resources within bounds (memory ≤ ${policy.maxMemory}, cpu ≤ ${policy.maxCpu}, at most ${policy.maxIncreaseFactor}× the previous value, limits ≥ requests)`
      : `resources within bounds (memory ≤ ${policy.maxMemory}, cpu ≤ ${policy.maxCpu}, limits ≥ requests; the value was named by a reviewer)`,
  };
}
