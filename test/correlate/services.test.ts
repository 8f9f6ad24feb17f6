import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { reportFromKubectlFiles } from '../../src/cli/report-input.js';
import { CliError } from '../../src/cli/io.js';
import { ServiceListError, servicesFromList } from '../../src/correlate/services.js';

const kubectl = (name: string) => fileURLToPath(new URL(`../fixtures/kubectl/${name}`, import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'kubecure-services-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('servicesFromList', () => {
  it('reads the Services of `kubectl get svc -A -o json`: name, namespace, selector, ClusterIP and ports', () => {
    const list = {
      kind: 'List',
      items: [
        { kind: 'Service', metadata: { name: 'cartservice', namespace: 'shop' }, spec: { clusterIP: '10.96.12.34', ports: [{ port: 7070 }], selector: { app: 'cartservice' } } },
        { kind: 'Service', metadata: { name: 'headless', namespace: 'shop' }, spec: { clusterIP: 'None' } },
        { kind: 'Service', metadata: { name: 'nameless-namespace' } },
        { kind: 'Endpoints', metadata: { name: 'cartservice', namespace: 'shop' } },
      ],
    };
    expect(servicesFromList(list)).toEqual({
      services: [
        { name: 'cartservice', namespace: 'shop', selector: { app: 'cartservice' }, clusterIP: '10.96.12.34', ports: [7070] },
        { name: 'headless', namespace: 'shop', clusterIP: 'None', ports: [] },
      ],
      skipped: 2,
    });
  });

  it('accepts a single Service', () => {
    expect(servicesFromList({ kind: 'Service', metadata: { name: 'a', namespace: 'b' }, spec: {} }).services).toEqual([{ name: 'a', namespace: 'b', ports: [] }]);
  });

  it.each([
    ['a string', 'svc', /got no object/],
    ['a pod', { kind: 'Pod', metadata: { name: 'x' } }, /^items: expected the list of Services/],
    ['a Service without namespace', { kind: 'Service', metadata: { name: 'x' } }, /metadata\.namespace/],
  ])('names the field when given %s', (_what, json, message) => {
    expect(() => servicesFromList(json)).toThrow(ServiceListError);
    expect(() => servicesFromList(json)).toThrow(message);
  });
});

describe('kubecure report --services', () => {
  it('records dependencies as the agent does: a ClusterIP in the logs resolves to its Service, the selecting Services are listed', async () => {
    const logs = join(work, 'previous.log');
    writeFileSync(
      logs,
      'starting checkout\nfailed to get cart: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.96.12.34:7070: connect: connection refused"\n',
    );
    const report = await reportFromKubectlFiles({ pod: kubectl('pod-crashloopbackoff.json'), logs, services: kubectl('services-shop.json'), cluster: 'prod' });
    expect(report.dependencies?.services).toEqual([{ name: 'checkout', namespace: 'shop' }]);
    expect(report.dependencies?.outbound).toEqual([
      expect.objectContaining({ host: '10.96.12.34', port: 7070, service: { name: 'cartservice', namespace: 'shop' }, source: 'log', failing: true }),
    ]);
  });

  it('leaves dependencies to the App when no Services are given', async () => {
    const report = await reportFromKubectlFiles({ pod: kubectl('pod-crashloopbackoff.json'), cluster: 'prod' });
    expect(report.dependencies).toBeUndefined();
  });

  it('refuses a file that is not a Service list, naming the file and the field', async () => {
    const promise = reportFromKubectlFiles({ pod: kubectl('pod-crashloopbackoff.json'), services: kubectl('pod-crashloopbackoff.json') });
    await expect(promise).rejects.toBeInstanceOf(CliError);
    await expect(reportFromKubectlFiles({ pod: kubectl('pod-crashloopbackoff.json'), services: kubectl('pod-crashloopbackoff.json') })).rejects.toThrow(
      /^services ".*pod-crashloopbackoff\.json": items: expected the list of Services/,
    );
  });
});
