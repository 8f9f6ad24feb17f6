import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { oomRule } from '../../../src/diagnose/rules/oom.js';
import { probeRule } from '../../../src/diagnose/rules/probe.js';
import { rules, rulesFor, runRules } from '../../../src/diagnose/rules/index.js';
import { FAILURE_CATEGORIES } from '../../../src/report/categories.js';
import { contextFor, loadReport, unquotedEvidence, withReport } from '../support.js';

const FIXTURES = readdirSync(fileURLToPath(new URL('../../fixtures/reports/rules/', import.meta.url)))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));

/** The rule each fixture is written for when nothing but the report is known. */
const EXPECTED_RULE: Record<string, string> = {
  'oom-checkout': 'oom',
  'oom-jvm-orders': 'oom',
  'image-tag-not-found': 'image',
  'image-unauthorized': 'image',
  'image-no-such-host': 'image',
  'invalid-image-name': 'image',
  'image-never-pull': 'image',
  'configmap-name-typo': 'config-reference',
  'secret-key-typo': 'config-reference',
  'failedmount-secret-typo': 'config-reference',
  'run-as-non-root': 'config-reference',
  'probe-wrong-port': 'probe',
  'probe-path-404': 'probe',
  'probe-slow-start': 'probe',
  'crashloop-node-missing-env': 'crashloop',
  'crashloop-python-keyerror': 'crashloop',
  'crashloop-go-secret-env': 'crashloop',
  'crashloop-command-typo': 'crashloop',
  'crashloop-connection-refused': 'crashloop',
  'crashloop-go-panic': 'crashloop',
  'crashloop-unexplained': 'fallback',
  'run-container-mount': 'run-container',
  'unschedulable-insufficient-memory': 'unschedulable',
  'unschedulable-affinity-taint': 'unschedulable',
  'evicted-memory': 'evicted',
  'evicted-ephemeral': 'evicted',
  'job-backoff-limit': 'job',
  'job-deadline': 'job',
  'failed-create-quota': 'failed-create',
  'failed-create-pod-security': 'failed-create',
  'failed-create-service-account': 'failed-create',
};

describe('the rule registry', () => {
  it('registers each rule once, under a unique id', () => {
    const ids = rules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['oom', 'image', 'config-reference', 'probe', 'crashloop', 'run-container', 'unschedulable', 'evicted', 'job', 'failed-create']);
  });

  it('has a rule for every failure category', () => {
    const uncovered = FAILURE_CATEGORIES.filter((category) => rulesFor(category).length === 0);
    expect(uncovered).toEqual([]);
  });
});

describe('running the rules on every report fixture', () => {
  it('has an expected rule for every fixture', () => {
    expect(FIXTURES.sort()).toEqual(Object.keys(EXPECTED_RULE).sort());
  });

  it.each(FIXTURES)('diagnoses %s with the right rule, verbatim evidence and a bounded confidence', async (name) => {
    const report = loadReport(name);
    const diagnosis = await runRules(contextFor(report));
    expect(diagnosis.ruleId).toBe(EXPECTED_RULE[name]);
    expect(diagnosis.diagnosedBy).toBe('rules');
    expect(diagnosis.category).toBe(report.failure.category);
    expect(diagnosis.confidence).toBeGreaterThanOrEqual(0);
    expect(diagnosis.confidence).toBeLessThanOrEqual(100);
    expect(diagnosis.summary.length).toBeGreaterThan(0);
    expect(diagnosis.rootCause.length).toBeGreaterThan(0);
    expect(diagnosis.evidence.length).toBeGreaterThan(0);
    expect(unquotedEvidence(diagnosis, report)).toEqual([]);
    // A confident diagnosis carries a change; one without a change asks a human.
    if (diagnosis.confidence >= 80) expect(diagnosis.changes.length).toBeGreaterThan(0);
    if (diagnosis.changes.length === 0) expect(diagnosis.question).toBeTruthy();
  });
});

describe('runRules', () => {
  it('falls back to a low-confidence question that still explains the report', async () => {
    const report = loadReport('crashloop-unexplained');
    const diagnosis = await runRules(contextFor(report));
    expect(diagnosis).toMatchObject({ ruleId: 'fallback', diagnosedBy: 'rules', changes: [] });
    expect(diagnosis.confidence).toBeLessThanOrEqual(40);
    expect(diagnosis.rootCause).toContain('exit code 3');
    expect(diagnosis.question).toBeTruthy();
  });

  it('prefers the more confident of two applicable rules', async () => {
    // A liveness failure on the wrong port in a crash loop: both the probe and crash rules apply.
    const report = withReport(loadReport('probe-wrong-port'), (copy) => {
      copy.failure.category = 'CrashLoopBackOff';
      copy.logs.previous = 'panic: listener closed\n';
    });
    const diagnosis = await runRules(contextFor(report));
    expect(diagnosis.ruleId).toBe('probe');
    expect(diagnosis.confidence).toBeGreaterThanOrEqual(80);
  });

  it('only asks the rules registered for the report\'s category', async () => {
    // An OOMKilled report that also carries a failing liveness probe: the probe rule is not asked.
    const report = withReport(loadReport('oom-checkout'), (copy) => {
      copy.events.push({
        type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe failed: HTTP probe failed with statuscode: 500',
        involvedObject: { kind: 'Pod', name: copy.pod.name },
      });
    });
    const probe = vi.spyOn(probeRule, 'diagnose');
    const oom = vi.spyOn(oomRule, 'diagnose');
    try {
      const diagnosis = await runRules(contextFor(report));
      expect(diagnosis.ruleId).toBe('oom');
      expect(oom).toHaveBeenCalledTimes(1);
      expect(probe).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('keeps answering when a rule throws on an unusual repository', async () => {
    const report = loadReport('image-tag-not-found');
    const context = contextFor(report);
    const broken = { ...context, index: { ...context.index, readFile: async () => { throw new Error('network down'); } } };
    broken.index.files = ['kustomization.yaml'];
    const diagnosis = await runRules(broken);
    expect(diagnosis.ruleId).toBe('fallback');
    expect(diagnosis.evidence.length).toBeGreaterThan(0);
  });
});
