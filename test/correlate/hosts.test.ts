import { describe, expect, it } from 'vitest';
import { serviceRefFromHost, stripCredentials } from '../../src/correlate/hosts.js';

describe('serviceRefFromHost', () => {
  const namespaces = new Set(['cache', 'shop']);

  it.each([
    ['redis', { name: 'redis', namespace: 'shop' }],
    ['redis.cache', { name: 'redis', namespace: 'cache' }],
    ['redis.cache.svc', { name: 'redis', namespace: 'cache' }],
    ['redis.cache.svc.cluster.local', { name: 'redis', namespace: 'cache' }],
    ['redis.cache.svc.k8s.example.internal.', { name: 'redis', namespace: 'cache' }],
    ['redis-0.redis.cache.svc.cluster.local', { name: 'redis', namespace: 'cache' }],
    ['REDIS.Cache.svc', { name: 'redis', namespace: 'cache' }],
  ])('reads %s as a Service', (host, expected) => {
    expect(serviceRefFromHost(host, 'shop', namespaces)).toEqual(expected);
  });

  it.each(['10.96.0.12', 'fd00::12', 'localhost', 'example.com', 'api.stripe.com', 'redis.unknown-namespace', '_bad'])('does not read %s as a Service', (host) => {
    expect(serviceRefFromHost(host, 'shop', namespaces)).toBeNull();
  });
});

describe('stripCredentials', () => {
  it('removes user and password from every URL in a text', () => {
    expect(stripCredentials('redis://:pw@redis:6379/0 and amqp://guest:guest@rabbitmq:5672/ ok')).toBe('redis://redis:6379/0 and amqp://rabbitmq:5672/ ok');
  });
});
