/** Field and label selectors as the API server evaluates them (equality and inequality only). */
import type { KubeObject } from './collection.js';

function valueAt(object: KubeObject, path: string): string | undefined {
  let current: any = object;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = current[part];
  }
  return current === undefined || current === null ? undefined : String(current);
}

export function fieldSelectorMatcher(selector: string | null): (object: KubeObject) => boolean {
  if (!selector) return () => true;
  const terms = selector.split(',').map((term) => {
    const negated = term.includes('!=');
    const [path = '', expected = ''] = term.split(negated ? '!=' : /==?/);
    return { path: path.trim(), expected: expected.trim(), negated };
  });
  return (object) =>
    terms.every(({ path, expected, negated }) => (valueAt(object, path) ?? '') === expected !== negated);
}

export function labelSelectorMatcher(selector: string | null): (object: KubeObject) => boolean {
  if (!selector) return () => true;
  const terms = selector.split(',').map((term) => {
    const negated = term.includes('!=');
    const [key = '', expected = ''] = term.split(negated ? '!=' : /==?/);
    return { key: key.trim(), expected: expected.trim(), negated };
  });
  return (object) =>
    terms.every(({ key, expected, negated }) => ((object.metadata as any).labels?.[key] ?? '') === expected !== negated);
}
