/**
 * A dependent is tied to a root only through a target its own failure names; configuration alone
 * is context. The microservices-demo chain: redis-cart OOMKilled, cartservice's liveness failing
 * with StackExchange.Redis' error, frontend crash-looping with gRPC's dial error to a ClusterIP.
 */
import { describe, expect, it } from 'vitest';
import { correlate } from '../../src/correlate/rank.js';
import { linkAddressesByConfiguredPort } from '../../src/correlate/port-links.js';
import { adserviceOom, cartservice, frontend, redisCart } from './microservices-demo.js';

const names = (reports: Array<{ workload: { name: string } }>) => reports.map((report) => report.workload.name).sort();

describe('evidence-based linking', () => {
  it('groups the three-tier chain under redis-cart from log lines alone, without the cluster’s Services', () => {
    const result = correlate([redisCart(), cartservice({ withServices: false }), frontend({ withServices: false })]);
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]!.root.workload.name).toBe('redis-cart');
    expect(names(result.groups[0]!.dependents.map((dependent) => dependent.report))).toEqual(['cartservice', 'frontend']);
    const frontendHop = result.groups[0]!.dependents.find((dependent) => dependent.report.workload.name === 'frontend')!;
    // The ClusterIP resolves through the one Service the frontend is configured to reach on port 7070.
    expect(frontendHop.evidence[0]).toContain('Deployment shop/frontend cannot reach Service shop/cartservice: ');
    expect(frontendHop.evidence[0]).toContain('dial tcp 10.96.12.34:7070');
    expect(frontendHop.via).toEqual([
      'Deployment shop/frontend',
      'Service shop/cartservice',
      'Deployment shop/cartservice',
      'Service shop/redis-cart',
      'Deployment shop/redis-cart',
    ]);
  });

  it('never lets an unrelated failure in the window capture a dependent through its configuration', () => {
    // adservice OOMs first; the frontend's env names adservice, but its failure names port 7070 (cartservice).
    const result = correlate([adserviceOom(), frontend({ withServices: false })]);
    expect(result.groups).toEqual([]);
    expect(names(result.independent)).toEqual(['adservice', 'frontend']);
    // The configured link is still shown, as context.
    expect(result.edges).toEqual([expect.objectContaining({ from: expect.objectContaining({ name: 'frontend' }), to: expect.objectContaining({ name: 'adservice' }), failing: false })]);
  });

  it('keeps the unrelated failure out of the chain when the root is in the window too', () => {
    const result = correlate([adserviceOom(), redisCart(), cartservice({ withServices: true }), frontend({ withServices: true })]);
    expect(result.groups.map((group) => group.root.workload.name)).toEqual(['redis-cart']);
    expect(names(result.independent)).toEqual(['adservice']);
  });
});

describe('linkAddressesByConfiguredPort', () => {
  const failing = { host: '10.96.12.34', port: 7070, source: 'log' as const, evidence: 'dial tcp 10.96.12.34:7070: connect: connection refused', failing: true };
  const configured = (host: string) => ({ host, port: 7070, source: 'env' as const, evidence: `env ${host}`, failing: false });

  it('names the only configured Service on the port', () => {
    const linked = linkAddressesByConfiguredPort({ services: [], outbound: [failing, configured('cartservice')] }, 'shop');
    expect(linked.outbound[0]!.service).toEqual({ name: 'cartservice', namespace: 'shop' });
  });

  it('leaves the address unresolved when two configured Services share the port', () => {
    const linked = linkAddressesByConfiguredPort({ services: [], outbound: [failing, configured('cartservice'), configured('checkoutservice')] }, 'shop');
    expect(linked.outbound[0]!.service).toBeUndefined();
  });

  it('leaves the address unresolved when no configured Service listens on the port', () => {
    const linked = linkAddressesByConfiguredPort({ services: [], outbound: [failing, { ...configured('adservice'), port: 9555 }] }, 'shop');
    expect(linked.outbound[0]!.service).toBeUndefined();
  });
});
