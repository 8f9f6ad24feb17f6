/**
 * The edit reaches the environment that failed and no other one. Every environment the
 * repository defines is rendered before and after the edit; a shared base edited for production
 * would also change staging and development, which nobody asked for.
 */
import { environmentsIn } from '../../locate/gitops-objects.js';
import type { ValidationCheck } from '../types.js';

export interface ScopeInput {
  /** The environment that rendered the failing instance; null when the locator could not tell. */
  failing: string | null;
  /** Environments whose rendered output the edit changes. */
  changed: string[];
  /** Changed environments that build on the failing one (a canary over production): they inherit its fix. */
  inheriting: string[];
}

/** `production (kustomize build overlays/production)`: the environment word first, where the path has one. */
export function environmentLabel(environment: string): string {
  const words = [...environmentsIn(environment)];
  return words.length > 0 ? `${words.join('/')} (${environment})` : environment;
}

export function scopeCheck({ failing, changed, inheriting }: ScopeInput): ValidationCheck {
  if (changed.length === 0) {
    return { name: 'scope', passed: true, message: 'no environment the repository defines renders the edited fields differently (the edit may reach the cluster another way)' };
  }
  const others = changed.filter((environment) => environment !== failing && !inheriting.includes(environment));
  const inherited = inheriting.length > 0 ? ` (${inheriting.map(environmentLabel).join(', ')} builds on ${environmentLabel(failing ?? '')})` : '';
  const affects = `Affects: ${changed.map(environmentLabel).join(', ')}${inherited}`;
  if (others.length === 0 || (failing === null && changed.length === 1)) return { name: 'scope', passed: true, message: affects };
  const failed = failing === null ? 'the report does not say which environment failed' : `only ${environmentLabel(failing)} failed`;
  return {
    name: 'scope',
    passed: false,
    message: `${affects}. The edit would also change ${others.map(environmentLabel).join(', ')}, but ${failed}; edit the failing environment's own layer (its overlay patch, values file or HelmRelease values) or confirm that every environment should change`,
  };
}
