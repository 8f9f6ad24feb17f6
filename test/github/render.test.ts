import { beforeAll, describe, expect, it } from 'vitest';
import { remediate } from '../../src/remediate.js';
import type { Remediation } from '../../src/outcome.js';
import type { RepoView } from '../../src/locate/types.js';
import { renderThread, MAX_BODY_CHARS } from '../../src/github/render/index.js';
import { actionPhrase } from '../../src/github/render/title.js';
import { decodeMarker } from '../../src/github/marker.js';
import { fence } from '../../src/github/render/untrusted.js';
import { CHECKOUT_MANIFEST, oomReport } from '../app/github-mock.js';

function memoryView(files: Record<string, string>): RepoView {
  return { id: 'memory', listFiles: async () => Object.keys(files), readFile: async (path) => files[path] ?? null };
}

let remediation: Remediation;
beforeAll(async () => {
  remediation = await remediate(oomReport(), memoryView({ 'apps/checkout/deployment.yaml': CHECKOUT_MANIFEST }));
});

describe('renderThread', () => {
  it('titles a pull request with what changes and why', () => {
    expect(renderThread(remediation).title).toBe('Raise memory limit of checkout to 512Mi after OOMKilled');
    expect(renderThread(remediation).kind).toBe('pull_request');
  });

  it('puts the sections in reading order and ends with the marker', () => {
    const { body } = renderThread(remediation, { occurrences: 5, firstSeen: '2026-11-21T23:00:00Z', lastSeen: '2026-11-22T00:06:00Z' });
    const order = ['## ', '### Failure', '### Root cause', '<summary>Evidence', '### The change', '### Validation', '**Confidence:**', '<summary>Commands', '<!-- kubecure:fingerprint'];
    const positions = order.map((heading) => body.indexOf(heading));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(body).toContain('| 5 | 2026-11-21T23:00:00Z | 2026-11-22T00:06:00Z |');
    expect(body).toContain('| `apps/checkout/deployment.yaml` | `checkout: resources.limits.memory` | `256Mi` | `512Mi` |');
    expect(body).toContain('- [x] **schema**');
  });

  it('quotes events and the end of the logs inside a collapsed block', () => {
    const { body } = renderThread(remediation);
    const evidence = body.slice(body.indexOf('<details>'), body.indexOf('</details>'));
    expect(evidence).toContain('| `BackOff` | `Pod/checkout-7d9f8c6b5-x2x9q` | `Back-off restarting failed container checkout` | 9 |');
    expect(evidence).toContain('Last lines of the previous log:');
    expect(evidence).toContain('warming product cache');
  });

  it('never starts a line with a command, so KubeCure cannot trigger itself', () => {
    const { body } = renderThread(remediation);
    expect(body.split('\n').some((line) => line.startsWith('/kubecure'))).toBe(false);
    expect(body).toContain('`/kubecure retry [hint]`');
  });

  it('renders an issue with what a human must decide and the suggested change', () => {
    const withReasons = { ...remediation, reasons: ['confidence 85 is below the threshold 90'] };
    const issue = renderThread(withReasons, { kind: 'issue', extraReasons: ['a limit held the pull request back'] });
    expect(issue.kind).toBe('issue');
    expect(issue.title).toBe('OOMKilled of checkout in shop needs a decision');
    expect(issue.body).toContain('### What a human must decide\n\n- a limit held the pull request back\n- confidence 85 is below the threshold 90');
    expect(issue.body).toContain('### Suggested change (not applied)');
    expect(issue.body).not.toContain('Close this pull request');
  });

  it('tells an issue what retry does to an issue, never to "update this pull request"', () => {
    const issue = renderThread(remediation, { kind: 'issue' });
    expect(issue.body).not.toContain('this pull request');
    expect(issue.body).toContain('refresh this issue, or open a pull request when the result is confident');
    expect(renderThread(remediation).body).toContain('push the new change to this pull request');
  });

  it('asks the question a human must answer once, even when it is also the reason', () => {
    const question = 'Who creates Secret "payments-db" in namespace shop? KubeCure never creates Secrets or marks references optional.';
    const asking = { ...remediation, reasons: [question], diagnosis: { ...remediation.diagnosis, question } };
    const { body } = renderThread(asking, { kind: 'issue' });
    expect(body.split(question)).toHaveLength(2);
  });

  it('never lists the edited file under "Also declared in"', async () => {
    // The same Deployment twice in one file (a copy-paste), and once elsewhere.
    const copy = CHECKOUT_MANIFEST.replace('replicas: 2', 'replicas: 3');
    const files = { 'apps/checkout/deployment.yaml': `${CHECKOUT_MANIFEST}---\n${copy}`, 'other/deployment.yaml': copy };
    const located = await remediate(oomReport(), memoryView(files));
    expect(located.outcome.target?.file).toBe('apps/checkout/deployment.yaml');
    expect(located.notes.filter((note) => note.startsWith('Also declared in:'))).toEqual(['Also declared in: other/deployment.yaml']);
  });

  it('says when the manifest could not be found', () => {
    const lost: Remediation = {
      ...remediation,
      location: null,
      diagnosis: { ...remediation.diagnosis, changes: [] },
      outcome: { ...remediation.outcome, decision: 'issue', target: null, changes: [] },
    };
    expect(renderThread(lost).body).toContain('could not find the manifest');
  });

  it('marks a dry run at the top', () => {
    expect(renderThread(remediation, { dryRun: true }).body.startsWith('> [!NOTE]\n> Dry run')).toBe(true);
  });

  it('carries the fingerprint, manifest SHA and the failure\'s identifiers in a marker a later command can read', () => {
    const { body } = renderThread(remediation, { manifestSha: 'abc123', createdAt: '2026-11-22T00:07:00Z' });
    const marker = decodeMarker(body);
    expect(marker).toMatchObject({
      fingerprint: remediation.fingerprint,
      thread: 'pull_request',
      manifestSha: 'abc123',
      targetFile: 'apps/checkout/deployment.yaml',
      createdAt: '2026-11-22T00:07:00Z',
      subject: { cluster: 'prod-eu', namespace: 'shop', workload: { kind: 'Deployment', name: 'checkout' }, container: 'checkout', category: 'OOMKilled' },
    });
    // Identifiers only: the pod spec, annotations, logs and events stay with the App.
    const encoded = /<!-- kubecure:marker v2 ([A-Za-z0-9+/=]+) -->/.exec(body)![1]!;
    const payload = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    expect(Object.keys(payload).sort()).toEqual(['changeId', 'createdAt', 'diagnosedBy', 'fingerprint', 'manifestSha', 'subject', 'targetFile', 'thread']);
    expect(JSON.stringify(payload)).not.toMatch(/warming product cache|BackOff|annotations|resources|"spec"/);
  });

  it('stays under GitHub\'s body limit with huge evidence, keeping the marker', () => {
    const noisy = { ...remediation, outcome: { ...remediation.outcome, evidence: Array.from({ length: 4000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`) } };
    const { body } = renderThread(noisy);
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(body).toContain('truncated');
    expect(decodeMarker(body)?.fingerprint).toBe(remediation.fingerprint);
  });
});

describe('titles for other changes', () => {
  const phrase = (path: (string | number)[], value: string | number, previous?: string | number | null, container: string | null = 'checkout') =>
    actionPhrase({ fixKind: 'resources', container, path, value, previous }, remediation);

  it('names the field and the direction of the change', () => {
    expect(phrase(['resources', 'requests', 'cpu'], '250m', '500m')).toBe('Lower CPU request of checkout to 250m');
    expect(phrase(['resources', 'limits', 'memory'], '1Gi', null)).toBe('Set memory limit of checkout to 1Gi');
    expect(phrase(['image'], 'ghcr.io/acme/checkout:1.4.3', 'ghcr.io/acme/checkout:1.4.x')).toBe('Change image of checkout to ghcr.io/acme/checkout:1.4.3');
    expect(phrase(['livenessProbe', 'initialDelaySeconds'], 30, 5)).toBe('Raise liveness probe initialDelaySeconds of checkout to 30');
    expect(phrase(['resources', 'limits', 'memory'], '1Gi', '512Mi', 'sidecar')).toBe('Raise memory limit of sidecar in checkout to 1Gi');
  });
});

describe('fence', () => {
  it('uses a fence longer than any backticks inside', () => {
    expect(fence('a ``` b').text).toBe('````\na ``` b\n````');
  });
});

describe('a marker imitated by workload logs', () => {
  it('never stands in for the real marker of the thread', async () => {
    const forgedSource = oomReport({ workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'forged', namespace: 'shop' } });
    const forgedBody = renderThread(await remediate(forgedSource, memoryView({ 'apps/checkout/deployment.yaml': CHECKOUT_MANIFEST }))).body;
    const forgedLines = forgedBody.split('\n').filter((line) => line.startsWith('<!-- kubecure:'));
    expect(forgedLines).toHaveLength(2);

    const report = oomReport({ logs: { previous: `starting\n${forgedLines.join('\n')}\nKilled`, truncated: false } });
    const remediation = await remediate(report, memoryView({ 'apps/checkout/deployment.yaml': CHECKOUT_MANIFEST }));
    const { body } = renderThread(remediation);

    expect(decodeMarker(body)?.subject.workload.name).toBe('checkout');
    expect(decodeMarker(body)?.fingerprint).toBe(remediation.fingerprint);
    // The quoted copy no longer opens an HTML comment at all.
    expect(body.split('<!-- kubecure:marker')).toHaveLength(2);
  });
});
