/**
 * Every metric a dashboard panel or an alert queries is one the App or the agent exports, with the
 * labels the query selects on, so a renamed metric breaks this test instead of a dashboard.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../agent/serve/metrics.js';
import { AppMetrics } from '../../src/server/metrics.js';

const read = (path: string) => readFileSync(new URL(`../../deploy/monitoring/${path}`, import.meta.url), 'utf8');

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

const dashboard = JSON.parse(read('kubecure-dashboard.json')) as { panels: Panel[] };
const rules = parse(read('prometheusrule.yaml')) as {
  spec: { groups: Array<{ rules: Array<{ alert: string; expr: string; annotations: { summary: string } }> }> };
};

const queries = [
  ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr }))),
  ...rules.spec.groups.flatMap((group) => group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr }))),
];

/** Exported metric name → its label names, from both registries with their default metrics. */
async function exportedMetrics(): Promise<Map<string, Set<string>>> {
  const exported = new Map<string, Set<string>>();
  const app = new AppMetrics({ defaultMetrics: true });
  const agent = createMetrics({ defaultMetrics: true });
  for (const registry of [app.registry, agent.registry]) {
    for (const metric of registry.getMetricsAsArray()) {
      const labels = new Set<string>((metric as unknown as { labelNames?: string[] }).labelNames ?? []);
      exported.set(metric.name, labels);
    }
  }
  return exported;
}

/** A histogram is queried through its series: name_bucket, name_sum, name_count. */
function baseName(series: string, exported: Map<string, Set<string>>): string {
  if (exported.has(series)) return series;
  return series.replace(/_(bucket|sum|count)$/, '');
}

describe('deploy/monitoring', () => {
  it('queries only metrics the code exports, with labels those metrics have', async () => {
    const exported = await exportedMetrics();
    expect(queries.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const { where, expr } of queries) {
      for (const match of expr.matchAll(/\b(kubecure_[a-z0-9_]+)(\{([^}]*)\})?/g)) {
        const name = baseName(match[1]!, exported);
        const labels = exported.get(name);
        if (!labels) {
          problems.push(`${where}: ${match[1]} is not exported`);
          continue;
        }
        for (const selector of (match[3] ?? '').split(',').filter(Boolean)) {
          const label = selector.split(/[=!~]/)[0]!.trim();
          if (!labels.has(label)) problems.push(`${where}: ${name} has no label "${label}"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('groups only by labels the queried metric has, or by the scrape target\'s pod', async () => {
    const exported = await exportedMetrics();
    const problems: string[] = [];
    for (const { where, expr } of queries) {
      for (const match of expr.matchAll(/by \(([^)]*)\) \((?:rate|increase)?\(?(kubecure_[a-z0-9_]+)/g)) {
        const labels = exported.get(baseName(match[2]!, exported)) ?? new Set();
        for (const label of match[1]!.split(',').map((name) => name.trim())) {
          if (label !== 'le' && label !== 'pod' && !labels.has(label)) problems.push(`${where}: ${match[2]} has no label "${label}"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every alert a summary and every dashboard panel a query', () => {
    for (const group of rules.spec.groups) for (const rule of group.rules) expect(rule.annotations.summary, rule.alert).toBeTruthy();
    for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });
});
