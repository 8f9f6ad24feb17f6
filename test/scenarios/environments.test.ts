/**
 * The multi-environment table run end to end (rules only): the decision, the file edited and its
 * exact changed lines, every other file of the repository byte-identical, and every environment
 * the repository defines rendered before and after: only the expected ones change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedEnvironments, indexWithChangedFiles, renderEnvironments } from '../../src/locate/environments.js';
import { indexRepository } from '../../src/locate/index-repo.js';
import { remediate } from '../../src/remediate.js';
import { environmentRepo, environmentRepoPath, oomReport, ENVIRONMENT_REPOS } from './environments-support.js';
import { ENVIRONMENT_SCENARIOS } from './environments-table.js';
import { changedLines } from './support.js';

describe('multi-environment scenario table', () => {
  it('holds at least 30 cases over every modeled layout, covering both decisions', () => {
    expect(ENVIRONMENT_SCENARIOS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(ENVIRONMENT_SCENARIOS.map((scenario) => scenario.behaviour)).size).toBe(ENVIRONMENT_SCENARIOS.length);
    expect(new Set(ENVIRONMENT_SCENARIOS.map((scenario) => scenario.repo))).toEqual(new Set(ENVIRONMENT_REPOS));
    expect(ENVIRONMENT_SCENARIOS.some((scenario) => scenario.decision === 'issue')).toBe(true);
  });

  it.each(ENVIRONMENT_SCENARIOS.map((scenario) => [scenario.behaviour, scenario] as const))('%s', async (_behaviour, scenario) => {
    const repo = environmentRepo(scenario.repo);
    const index = await indexRepository(repo);
    const remediation = await remediate(oomReport(scenario.report), repo, { index, model: null });
    const { outcome } = remediation;

    expect(outcome.decision, remediation.reasons.join('\n')).toBe(scenario.decision);
    expect(outcome.target?.file ?? null).toBe(scenario.target);
    if (scenario.issueReason) expect(remediation.reasons.join('\n')).toMatch(scenario.issueReason);
    if (outcome.decision === 'pull_request') {
      expect(remediation.reasons).toEqual([]);
      expect(outcome.validation.checks.find((check) => check.name === 'scope')?.message).toMatch(/^Affects: /);
    }

    if (!scenario.change) {
      expect(outcome.changes).toEqual([]);
      return;
    }
    // One file changes, by exactly the lines of the fix; every other file stays byte-identical.
    expect(outcome.changes.map((change) => change.file)).toEqual([scenario.change.file]);
    const [change] = outcome.changes;
    if (!change) throw new Error('no change');
    expect(change.before).toBe(readFileSync(join(environmentRepoPath(scenario.repo), change.file), 'utf8'));
    expect(changedLines(change.before, change.after)).toEqual({ removed: scenario.change.removed, added: scenario.change.added });

    // Every environment renders as before except the ones the change is meant to reach.
    const before = await renderEnvironments(index);
    const after = await renderEnvironments(indexWithChangedFiles(index, outcome.changes));
    expect(changedEnvironments(before, after, remediation.location?.environment ?? null).changed).toEqual([...scenario.affects].sort());
    expect(before.size).toBeGreaterThan(1);
  });
});
