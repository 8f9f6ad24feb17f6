import { describe, expect, it } from 'vitest';
import { clampConfidence, ruleDiagnosis } from '../../../src/diagnose/rules/diagnosis.js';
import { contextFor, loadReport } from '../support.js';

describe('building a rule diagnosis', () => {
  const report = loadReport('configmap-name-typo');

  it('drops evidence the report does not contain and lines repeated inside longer ones', () => {
    const diagnosis = ruleDiagnosis(contextFor(report), 'test', {
      summary: 's',
      rootCause: 'r',
      evidence: ['configmap "app-confg" not found', 'Error: configmap "app-confg" not found', 'a line nobody logged', 'Error: configmap "app-confg" not found'],
      confidence: 50,
    });
    expect(diagnosis.evidence).toEqual(['Error: configmap "app-confg" not found']);
  });

  it('stamps the category, the rule and who diagnosed it, and defaults to no change', () => {
    const diagnosis = ruleDiagnosis(contextFor(report), 'test', { summary: 's', rootCause: 'r', evidence: [], confidence: 50 });
    expect(diagnosis).toMatchObject({ category: 'CreateContainerConfigError', ruleId: 'test', diagnosedBy: 'rules', changes: [] });
  });

  it('keeps confidence a whole number within 0–100', () => {
    expect([clampConfidence(-5), clampConfidence(72.6), clampConfidence(140)]).toEqual([0, 73, 100]);
  });
});
