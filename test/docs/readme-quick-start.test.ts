/**
 * The README's Quick start, run as written: the `kubectl` lines name the files the `kubecure
 * diagnose` line reads, and that line (with the files in place of a live cluster's) prints a diff.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { kubecure, SUBPROCESS_TIMEOUT } from '../cli/run.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const QUICK_START = README.slice(README.indexOf('## Quick start'), README.indexOf('## Contents'));
const REPO = fileURLToPath(new URL('../fixtures/scenarios/repos/payments-fleet', import.meta.url));
const kubectl = (name: string) => fileURLToPath(new URL(`../fixtures/kubectl/${name}`, import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'kubecure-quick-start-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the README's Quick start", () => {
  it('gives the commands that build, start and test the App', () => {
    const scripts = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts as Record<string, string>;
    expect(QUICK_START).toContain('npm ci && npm start');
    expect(QUICK_START).toContain('npm ci && npm test');
    expect(scripts.start).toBeDefined();
    expect(scripts.test).toBeDefined();
  });

  it('diagnoses a pod from the files its kubectl lines write, printing the diff', async () => {
    const line = QUICK_START.split('\n').find((candidate) => candidate.startsWith('npx kubecure diagnose'))!;
    const args = line.replace(/^npx kubecure /, '').split(/\s+/);
    // Each file the diagnose line reads is one a kubectl line above it writes.
    const written = [...QUICK_START.matchAll(/^kubectl .*> (\S+)$/gm)].map((match) => match[1]!);
    const read = ['--pod', '--events', '--logs'].map((flag) => args[args.indexOf(flag) + 1]!);
    expect(read).toEqual(written);

    // The files a live cluster would give, from recorded kubectl output.
    const files: Record<string, string> = {
      'pod.json': readFileSync(kubectl('pod-oomkilled.json'), 'utf8'),
      'events.json': readFileSync(kubectl('events-oomkilled.json'), 'utf8'),
      'previous.log': 'INFO  settlement batch loaded (412,993 rows)\n',
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(work, name), content);
    const local = args.map((arg) => (arg === '~/src/gitops' ? REPO : arg in files ? join(work, arg) : arg));

    const run = await kubecure([...local, '--rules-only']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^--- a\/apps\/payments\/payments-api\.yaml/m);
    expect(run.stdout).toContain('+              memory: ');
  }, SUBPROCESS_TIMEOUT);
});
