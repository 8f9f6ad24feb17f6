/**
 * The scenario table run end to end: each realistic report goes through `remediate` against a
 * fixture repository (rules only), and the Outcome is held to the contract, to the expected
 * decision and target, to the field values read back from the edited file, and to the
 * byte-identical guarantee (only the lines of the fix differ).
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outcomeJson, type Outcome } from '../../src/outcome.js';
import { remediate } from '../../src/remediate.js';
import { changedLines, loadScenarioReport, readField, repoView, scenarioReportPath } from './support.js';
import { SCENARIOS, type Scenario } from './table.js';

const OUTCOME_KEYS = ['category', 'changes', 'confidence', 'decision', 'diagnosedBy', 'evidence', 'rootCause', 'summary', 'target', 'validation'];

function expectContractShape(outcome: Outcome): void {
  expect(Object.keys(outcome).sort()).toEqual(OUTCOME_KEYS);
  expect(outcomeJson(outcome)).toEqual(outcome);
  if (outcome.target) expect(Object.keys(outcome.target).sort()).toEqual(['file', 'kind', 'name', 'namespace']);
  for (const change of outcome.changes) expect(Object.keys(change).sort()).toEqual(['after', 'before', 'diff', 'file']);
  expect(Object.keys(outcome.validation).sort()).toEqual(['checks', 'passed']);
  for (const check of outcome.validation.checks) expect(Object.keys(check).sort()).toEqual(['message', 'name', 'passed']);
  // What the CLI prints must survive JSON unchanged: no undefined, no functions, no class instances.
  expect(JSON.parse(JSON.stringify(outcome))).toEqual(outcome);
  expect(outcome.diagnosedBy).toBe('rules');
  expect(outcome.summary.length).toBeGreaterThan(0);
  expect(outcome.evidence.length).toBeGreaterThan(0);
}

function expectDecisionConsistency(outcome: Outcome): void {
  if (outcome.decision === 'pull_request') {
    expect(outcome.confidence).toBeGreaterThanOrEqual(80);
    expect(outcome.validation.passed).toBe(true);
    expect(outcome.validation.checks.every((check) => check.passed)).toBe(true);
    expect(outcome.changes.length).toBeGreaterThan(0);
  }
  if (outcome.target === null) expect(outcome.changes).toEqual([]);
}

async function run(scenario: Scenario) {
  const report = loadScenarioReport(scenario.report);
  const remediation = await remediate(report, repoView(scenario.repo), { ...scenario.options, model: null });
  return { report, outcome: remediation.outcome, reasons: remediation.reasons };
}

describe('scenario table', () => {
  it('holds at least 35 scenarios with distinct reports, covering both decisions', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(35);
    expect(new Set(SCENARIOS.map((scenario) => scenario.report)).size).toBe(SCENARIOS.length);
    expect(SCENARIOS.filter((scenario) => scenario.decision === 'pull_request').length).toBeGreaterThanOrEqual(15);
    expect(SCENARIOS.filter((scenario) => scenario.decision === 'issue').length).toBeGreaterThanOrEqual(15);
    expect(new Set(SCENARIOS.map((scenario) => scenario.repo))).toEqual(
      new Set(['plain-multi-service', 'kustomize-overlays', 'helm-chart', 'flux-helmreleases', 'argocd-apps', 'ledger-platform']),
    );
  });

  it('runs every report fixture of the scenarios folder', () => {
    const fixtures = readdirSync(dirname(scenarioReportPath('any'))).filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -'.json'.length));
    expect(fixtures.sort()).toEqual(SCENARIOS.map((scenario) => scenario.report).sort());
  });

  it.each(SCENARIOS.map((scenario) => [scenario.behaviour, scenario] as const))('%s', async (_behaviour, scenario) => {
    const { report, outcome, reasons } = await run(scenario);

    expectContractShape(outcome);
    expect(outcome.category).toBe(report.failure.category);
    expect(outcome.decision).toBe(scenario.decision);
    expect(outcome.target?.file ?? null).toBe(scenario.target);
    if (outcome.target) expect(outcome.target.kind).toBe(report.workload.kind);
    expectDecisionConsistency(outcome);

    if (outcome.decision === 'pull_request') expect(reasons).toEqual([]);
    if (scenario.issueReason) expect(reasons.join('\n')).toMatch(scenario.issueReason);
    for (const name of scenario.failedChecks ?? []) {
      expect(outcome.validation.checks.find((check) => check.name === name)?.passed).toBe(false);
    }

    if (!scenario.change) {
      expect(outcome.changes).toEqual([]);
      return;
    }
    expect(outcome.changes.map((change) => change.file)).toEqual([scenario.change.file]);
    const [change] = outcome.changes;
    if (!change) throw new Error('no change');

    for (const field of scenario.change.fields) {
      expect(readField(change.after, field.path, field.document), `${field.path.map((step) => (typeof step === 'object' ? `[name=${step.name}]` : step)).join('.')}`).toEqual(field.value);
    }

    // Byte-identical guarantee: a line-by-line comparison finds exactly the lines of the fix.
    expect(changedLines(change.before, change.after)).toEqual({ removed: scenario.change.removed, added: scenario.change.added });
    for (const line of scenario.change.removed) expect(change.diff).toContain(`\n-${line}\n`);
    for (const line of scenario.change.added) expect(change.diff).toContain(`\n+${line}\n`);
  });
});
