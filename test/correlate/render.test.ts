import { describe, expect, it } from 'vitest';
import { correlate } from '../../src/correlate/rank.js';
import { renderBlastRadius } from '../../src/correlate/render.js';
import { scenario } from './reports.js';

describe('renderBlastRadius', () => {
  const [group] = correlate(scenario('three-tier')).groups;

  it('lists every dependent with its failure and the chain to the root', () => {
    const markdown = renderBlastRadius(group!);
    expect(markdown.startsWith('### Blast radius\n')).toBe(true);
    expect(markdown).toContain('2 other workloads are failing because `StatefulSet cache/redis` is (OOMKilled).');
    expect(markdown).toContain('| `Deployment shop/api` | ProbeFailure (`Unhealthy`) | Deployment shop/api → Service cache/redis → StatefulSet cache/redis |');
    expect(markdown).toContain(
      '| `Deployment shop/frontend` | CrashLoopBackOff (`Error`) | Deployment shop/frontend → Service shop/api → Deployment shop/api → Service cache/redis → StatefulSet cache/redis |',
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
    // Outside a table a pipe needs no escape; inside a code span a backslash would show literally.
    expect(markdown).toContain('  - ``cannot reach `redis` | retrying``');
  });

  it('renders nothing when there are no dependents', () => {
    expect(renderBlastRadius({ root: group!.root, dependents: [] })).toBe('');
  });
});
