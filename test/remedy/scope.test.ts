import { describe, expect, it } from 'vitest';
import { environmentLabel, scopeCheck } from '../../src/remedy/checks/scope.js';

const prod = 'kustomize build overlays/production';
const canary = 'kustomize build overlays/production-canary';
const staging = 'kustomize build overlays/staging';

describe('the scope check', () => {
  it('passes and names the environment when only the failing one changes', () => {
    expect(scopeCheck({ failing: prod, changed: [prod], inheriting: [] })).toEqual({
      name: 'scope',
      passed: true,
      message: 'Affects: production (kustomize build overlays/production)',
    });
  });

  it('passes when the other environments that change build on the failing one, and says so', () => {
    const check = scopeCheck({ failing: prod, changed: [prod, canary], inheriting: [canary] });
    expect(check.passed).toBe(true);
    expect(check.message).toBe(
      'Affects: production (kustomize build overlays/production), production (kustomize build overlays/production-canary) (production (kustomize build overlays/production-canary) builds on production (kustomize build overlays/production))',
    );
  });

  it('fails, naming the other environment, when a shared base edit would reach it', () => {
    const check = scopeCheck({ failing: prod, changed: [prod, staging], inheriting: [] });
    expect(check.passed).toBe(false);
    expect(check.message).toMatch(/^Affects: production \(kustomize build overlays\/production\), staging \(kustomize build overlays\/staging\)\. The edit would also change staging \(kustomize build overlays\/staging\), but only production \(kustomize build overlays\/production\) failed/);
  });

  it('fails when the failing environment is unknown and the edit reaches several', () => {
    const check = scopeCheck({ failing: null, changed: [prod, staging], inheriting: [] });
    expect(check.passed).toBe(false);
    expect(check.message).toContain('the report does not say which environment failed');
  });

  it('passes without claiming an environment when no rendered output changes', () => {
    const check = scopeCheck({ failing: prod, changed: [], inheriting: [] });
    expect(check.passed).toBe(true);
    expect(check.message).not.toContain('Affects');
  });

  it('labels an environment by the words of its path, or by the path alone', () => {
    expect(environmentLabel('manifest environments/stg/api.yaml')).toBe('staging (manifest environments/stg/api.yaml)');
    expect(environmentLabel('manifest apps/api.yaml')).toBe('manifest apps/api.yaml');
  });
});
