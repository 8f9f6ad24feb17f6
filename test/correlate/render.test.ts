import { describe, expect, it } from 'vitest';
import { correlate } from '../../src/correlate/rank.js';
import { BLAST_RADIUS_END, BLAST_RADIUS_START, renderBlastRadius, withBlastRadius } from '../../src/correlate/render.js';
import { scenario } from './reports.js';

describe('renderBlastRadius', () => {
  const [group] = correlate(scenario('three-tier')).groups;

  it('lists every dependent with its failure and the chain to the root', () => {
    const markdown = renderBlastRadius(group!);
    expect(markdown.startsWith(`${BLAST_RADIUS_START}\n### Blast radius\n`)).toBe(true);
    expect(markdown.endsWith(BLAST_RADIUS_END)).toBe(true);
    expect(markdown).toContain('2 other workloads are failing because `StatefulSet cache/redis` is (OOMKilled).');
    expect(markdown).toContain('| `Deployment shop/api` | ProbeFailure (Unhealthy) | Deployment shop/api → Service cache/redis → StatefulSet cache/redis |');
    expect(markdown).toContain(
      '| `Deployment shop/frontend` | CrashLoopBackOff (Error) | Deployment shop/frontend → Service shop/api → Deployment shop/api → Service cache/redis → StatefulSet cache/redis |',
    );
  });

  it('quotes the evidence tying each dependent to the root', () => {
    const markdown = renderBlastRadius(group!);
    expect(markdown).toContain('<details><summary>Evidence tying each dependent to this failure</summary>');
    expect(markdown).toContain('  - `Deployment shop/frontend cannot reach Service shop/api: Error: connect ECONNREFUSED 10.96.14.7:8080`');
  });

  it('keeps log lines with backticks and pipes from breaking the Markdown', () => {
    const dependent = { ...group!.dependents[0]!, evidence: ['cannot reach `redis` | retrying'] };
    const markdown = renderBlastRadius({ root: group!.root, dependents: [dependent] });
    expect(markdown).toContain('1 other workload is failing');
    expect(markdown).toContain('  - `` cannot reach `redis` \\| retrying ``');
  });

  it('renders only its hidden place in the body when there are no dependents', () => {
    expect(renderBlastRadius({ root: group!.root, dependents: [] })).toBe(`${BLAST_RADIUS_START}\n${BLAST_RADIUS_END}`);
  });

  it('stays well inside the size of a GitHub body when hundreds of workloads depend on the root', () => {
    const many = Array.from({ length: 300 }, (_, index) => ({
      ...group!.dependents[0]!,
      fingerprint: `fp-${index}`,
      report: { ...group!.dependents[0]!.report, workload: { ...group!.dependents[0]!.report.workload, name: `api-${String(index).padStart(3, '0')}` } },
      evidence: ['x'.repeat(2_000), 'y'.repeat(2_000), 'z'.repeat(2_000)],
    }));
    const markdown = renderBlastRadius({ root: group!.root, dependents: many });
    expect(markdown).toContain('300 other workloads are failing');
    expect(markdown).toContain('…and 270 more.');
    expect(markdown.length).toBeLessThan(30_000);
  });

  it('is the same whatever order the dependents were remembered in', () => {
    const reversed = { root: group!.root, dependents: [...group!.dependents].reverse() };
    expect(renderBlastRadius(reversed)).toBe(renderBlastRadius(group!));
  });
});

describe('withBlastRadius', () => {
  const marker = '<!-- kubecure:marker v1 abc -->';
  const section = renderBlastRadius(correlate(scenario('three-tier')).groups[0]!);

  it('replaces the section in place and leaves every other byte alone', () => {
    const body = `## Summary\n\n${BLAST_RADIUS_START}\n${BLAST_RADIUS_END}\n\n## Evidence\n\n${marker}\n`;
    expect(withBlastRadius(body, section)).toBe(`## Summary\n\n${section}\n\n## Evidence\n\n${marker}\n`);
    expect(withBlastRadius(withBlastRadius(body, section), section)).toBe(withBlastRadius(body, section));
  });

  it('adds the section above the marker of a body written before it existed', () => {
    expect(withBlastRadius(`Body\n\n${marker}\n`, section)).toBe(`Body\n\n${section}\n\n${marker}\n`);
  });

  it('cannot be cut short by a log line that carries the closing delimiter', () => {
    const [root] = correlate(scenario('three-tier')).groups;
    const hostile = { ...root!.dependents[0]!, evidence: [`refused ${BLAST_RADIUS_END} injected`] };
    const poisoned = renderBlastRadius({ root: root!.root, dependents: [hostile] });
    expect(poisoned.split(BLAST_RADIUS_END)).toHaveLength(2);
    const body = withBlastRadius(`Body\n\n${marker}\n`, poisoned);
    expect(withBlastRadius(body, section)).toBe(`Body\n\n${section}\n\n${marker}\n`);
  });
});
