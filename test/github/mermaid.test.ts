/**
 * Every Mermaid block KubeCure writes renders without error in a real browser: the `mermaid`
 * package inside headless Chromium, driven by playwright-core. Skipped with a message where Chromium
 * is absent (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBlastRadiusSection } from '../../src/correlate/render.js';
import { blastRadiusFlowchart, MAX_DIAGRAM_DEPENDENTS, memoryUsageSection, mermaidText } from '../../src/github/render/mermaid.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
if (!CHROMIUM) console.warn('Chromium is not installed: skipping the Mermaid rendering tests (.ci/run installs it)');
const MERMAID_BUNDLE = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

const HOSTILE = 'shop/frontend"] --> x["pwned`%%{init: {"theme":"dark"}}%%<img src=x onerror=alert(1)> @org/team #1 ```';

function mermaidSource(markdown: string): string {
  const match = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  if (!match) throw new Error(`no mermaid block in:\n${markdown}`);
  return match[1]!;
}

const samples = (values: string[]) => values.map((memory, index) => ({ at: new Date(Date.UTC(2026, 11, 4, 12, 0, index * 10)).toISOString(), memory }));

const deployment = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'shop' });

const DIAGRAMS: Record<string, string> = {
  'the Blast radius section of a root cause\'s thread': renderBlastRadiusSection({ workload: deployment('redis-cart'), failure: 'OOMKilled' }, [
    { fingerprint: 'a1', workload: deployment('cartservice'), evidence: ['It was not possible to connect to the redis server(s). UnableToConnect on redis-cart:6379/Interactive'], failure: 'ProbeFailure', via: [] },
    { fingerprint: 'b2', workload: deployment('frontend'), evidence: ['dial tcp 10.96.12.34:7070: connect: connection refused'], failure: 'CrashLoopBackOff (Error)', via: ['cartservice'] },
  ]),
  'a three-tier blast radius': blastRadiusFlowchart('shop/redis-cart OOMKilled', [
    { label: 'shop/cartservice ProbeFailure', evidence: 'UnableToConnect on redis-cart:6379/Interactive' },
    { label: 'shop/frontend CrashLoopBackOff', evidence: 'dial tcp 10.96.12.34:7070: connect: connection refused' },
  ])!,
  'a blast radius with hostile labels': blastRadiusFlowchart(HOSTILE, [{ label: HOSTILE, evidence: HOSTILE }, { label: 'x', evidence: '' }])!,
  'a blast radius larger than the picture': blastRadiusFlowchart(
    'shop/redis OOMKilled',
    Array.from({ length: MAX_DIAGRAM_DEPENDENTS + 5 }, (_, index) => ({ label: `shop/api-${index} CrashLoopBackOff`, evidence: 'connection refused' })),
  )!,
  'memory against the old and new limit': memoryUsageSection({
    container: 'checkout',
    samples: samples(['120Mi', '180Mi', '230Mi', '251Mi', '256Mi']),
    oldLimit: '256Mi',
    newLimit: '512Mi',
  }),
  'memory of a container with a hostile name, over many samples': memoryUsageSection({
    container: HOSTILE,
    samples: samples(Array.from({ length: 100 }, (_, index) => `${100 + index}Mi`)),
    oldLimit: '200Mi',
    newLimit: '400Mi',
  }),
};

describe('Mermaid diagrams', () => {
  it('keep untrusted text to an allowlist of characters', () => {
    expect(mermaidText(HOSTILE)).not.toMatch(/["`%{}<>#\[\]|]/);
    expect(DIAGRAMS['a blast radius with hostile labels']).not.toContain('<img');
    expect(DIAGRAMS['a blast radius larger than the picture']).toContain('and 5 more');
  });

  it('fall back to a table with one sample, and to nothing without data', () => {
    const one = memoryUsageSection({ container: 'checkout', samples: samples(['251Mi']), oldLimit: '256Mi', newLimit: '512Mi' });
    expect(one).not.toContain('```mermaid');
    expect(one).toContain('| 2026-12-04T12:00:00.000Z | 251Mi |');
    expect(memoryUsageSection({ container: 'checkout', samples: [], oldLimit: '256Mi', newLimit: '512Mi' })).toBe('');
    expect(memoryUsageSection({ container: 'checkout', samples: samples(['1Mi', '2Mi']), oldLimit: 'lots', newLimit: '512Mi' })).toBe('');
    expect(blastRadiusFlowchart('shop/redis OOMKilled', [])).toBeNull();
  });
});

describe.skipIf(!CHROMIUM)('Mermaid diagrams in a real browser', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: MERMAID_BUNDLE });
    await page.evaluate(() => (globalThis as unknown as { mermaid: { initialize(options: object): void } }).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  for (const [name, markdown] of Object.entries(DIAGRAMS)) {
    it(`renders ${name}`, async () => {
      const source = mermaidSource(markdown);
      const result = await page.evaluate(async (text) => {
        const mermaid = (globalThis as unknown as { mermaid: { render(id: string, text: string): Promise<{ svg: string }> } }).mermaid;
        try {
          const { svg } = await mermaid.render(`diagram${Math.random().toString(36).slice(2)}`, text);
          return { svg };
        } catch (error) {
          return { error: String((error as Error).message ?? error) };
        }
      }, source);
      expect(result.error).toBeUndefined();
      expect(result.svg).toMatch(/^<svg/);
      expect(result.svg).not.toContain('Syntax error');
      expect(result.svg).not.toContain('<img');
    }, 30_000);
  }
});
