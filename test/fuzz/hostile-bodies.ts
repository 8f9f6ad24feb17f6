/**
 * Generators of malformed and hostile report deliveries, from a seeded PRNG so a failing case
 * can be replayed. Each case is one request: method, headers and raw body bytes, plus the family
 * it belongs to. None of them is a report the intake may accept.
 */
import { readFileSync } from 'node:fs';
import { computeSignature, SIGNATURE_HEADERS } from '../../src/report/signature.js';

export interface HostileRequest {
  family: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Signer {
  cluster: string;
  secret: string;
  /** A second configured cluster, to sign reports that name the first. */
  otherCluster: string;
  otherSecret: string;
}

/** Mulberry32: small, fast, good enough to spread cases. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function validReport(cluster: string): Record<string, any> {
  const report = JSON.parse(readFileSync(new URL('../fixtures/scenarios/plain-oom-checkout.json', import.meta.url), 'utf8'));
  return { ...report, cluster };
}

/** Paths of required fields and a value of the wrong type for each. */
const WRONG_TYPES: Array<[string[], Json[]]> = [
  [['apiVersion'], ['kubecure.dev/v2', 1, null, [], {}]],
  [['kind'], ['Report', 'failurereport', 0, true]],
  [['cluster'], [7, null, '', [], { name: 'x' }]],
  [['observedAt'], ['yesterday', 1732233600, '', null, '2026-13-45T99:99:99Z']],
  [['occurrences'], [-1, 'many', 1.5, null, 1e308, {}]],
  [['failure'], [null, 'OOMKilled', [], 3]],
  [['failure', 'category'], ['Exploded', '', 42, null, ['OOMKilled']]],
  [['failure', 'restartCount'], ['four', -3, {}, 1e400]],
  [['failure', 'exitCode'], ['137', {}, [137]]],
  [['pod'], [null, 'checkout', [], 1]],
  [['pod', 'name'], ['', 5, null, 'x'.repeat(300)]],
  [['pod', 'namespace'], ['', false, null]],
  [['pod', 'labels'], ['app=checkout', [['a', 'b']], 3]],
  [['workload'], [null, 'Deployment/checkout', []]],
  [['workload', 'kind'], [5, null, {}]],
  [['workload', 'name'], ['', null, 9]],
  [['workload', 'namespace'], ['', null, 'n'.repeat(64)]],
  [['events'], ['none', 3, {}, [1, 2, 3]]],
  [['logs'], ['oops', [], 12]],
  [['ownerChain'], ['rs', 3, [null]]],
  [['sourceHints'], ['argocd', 5, [1]]],
];

function withPath(target: Record<string, any>, path: string[], value: Json | undefined): Record<string, any> {
  const copy = structuredClone(target);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

function isObjectAt(target: Record<string, any>, path: string[]): boolean {
  const node = path.reduce<any>((current, step) => current?.[step], target);
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

const REQUIRED: string[][] = [['apiVersion'], ['kind'], ['cluster'], ['observedAt'], ['failure'], ['failure', 'category'], ['pod'], ['pod', 'name'], ['workload'], ['workload', 'name']];

/** Invalid UTF-8 sequences: lone continuation bytes, overlongs, surrogates, truncated sequences. */
const BAD_UTF8 = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe, 0xfe, 0xff, 0xff]];

function nested(depth: number, open: string, close: string, core = '0'): string {
  return open.repeat(depth) + core + close.repeat(depth);
}

export function* hostileRequests(count: number, signer: Signer, seed = 20261122): Generator<HostileRequest> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const base = validReport(signer.cluster);
  let hugeText: string | undefined;
  let delivery = 0;

  const signed = (family: string, body: Buffer | string, options: { cluster?: string; secret?: string; timestamp?: number; deliveryId?: string } = {}): HostileRequest => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const deliveryId = options.deliveryId ?? `fuzz-${seed}-${delivery++}`;
    return {
      family,
      method: 'POST',
      body: bytes,
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADERS.cluster]: options.cluster ?? signer.cluster,
        [SIGNATURE_HEADERS.timestamp]: timestamp,
        [SIGNATURE_HEADERS.delivery]: deliveryId,
        [SIGNATURE_HEADERS.signature]: computeSignature(options.secret ?? signer.secret, timestamp, deliveryId, bytes),
      },
    };
  };

  const families: Array<() => HostileRequest> = [
    // Wrong types in required fields, and required fields missing.
    () => {
      const [path, values] = pick(WRONG_TYPES);
      return signed('wrong-type', JSON.stringify(withPath(base, path, pick(values))));
    },
    () => signed('missing-field', JSON.stringify(withPath(base, pick(REQUIRED), undefined))),
    // Not JSON at all, or JSON of the wrong shape.
    () => signed('not-json', pick(['', '{', '}', 'null', 'true', '[]', '"report"', '{"apiVersion":', 'apiVersion: kubecure.dev/v1', '<xml/>', '{"a":1}{"b":2}', 'NaN', '{\'single\':1}'])),
    () => signed('random-bytes', Buffer.from(Array.from({ length: 1 + Math.floor(random() * 512) }, () => Math.floor(random() * 256)))),
    // Invalid UTF-8 inside an otherwise valid report.
    () => {
      const text = JSON.stringify({ ...base, logs: { previous: 'MARK', truncated: false } });
      const [before, after] = text.split('MARK') as [string, string];
      return signed('invalid-utf8', Buffer.concat([Buffer.from(before), Buffer.from(pick(BAD_UTF8)), Buffer.from(after)]));
    },
    // Strings and bodies past every limit.
    () => {
      // Rarer than the others: megabytes per case would dominate the run without adding coverage.
      if (random() > 0.2) return signed('huge-field', JSON.stringify(withPath(base, ['pod', 'name'], 'z'.repeat(254 + Math.floor(random() * 5000)))));
      hugeText ??= JSON.stringify({ ...base, logs: { previous: 'x'.repeat(1024 * 1024), truncated: false } });
      return signed('huge-body', hugeText + ' '.repeat(Math.floor(random() * 4096)));
    },
    () => signed('huge-field', JSON.stringify(withPath(base, pick([['cluster'], ['pod', 'name'], ['pod', 'namespace'], ['workload', 'name'], ['workload', 'namespace']]), 'y'.repeat(1000 + Math.floor(random() * 200_000))))),
    // Deep nesting: as the body, and inside fields the schema leaves open.
    () => {
      const [open, close] = pick([['[', ']'], ['{"a":', '}'], ['{"pod":', '}']] as const);
      return signed('deep-nesting', nested(100 + Math.floor(random() * 5_000), open, close));
    },
    () => signed('deep-in-field', JSON.stringify({ ...base, pod: { ...base.pod, spec: 'SPEC' } }).replace('"SPEC"', nested(65 + Math.floor(random() * 5_000), '{"a":', '}'))),
    // Prototype pollution keys at every level, in reports that are invalid in one other way (a
    // valid report with such keys is accepted with them stripped: see the intake fuzz test).
    () => {
      const key = pick(['__proto__', 'constructor', 'prototype']);
      const payload = key === 'constructor' ? { prototype: { polluted: 'yes' } } : { polluted: 'yes', isAdmin: true };
      const where = pick([[], ['pod'], ['pod', 'labels'], ['pod', 'spec'], ['failure'], ['sourceHints'], ['workload']]);
      const [path, values] = pick(WRONG_TYPES);
      const invalid = withPath(base, path, pick(values));
      if (!isObjectAt(invalid, where)) return signed('prototype-pollution', `{"__proto__":${JSON.stringify(payload)}}`);
      const text = JSON.stringify(withPath(invalid, [...where, 'POLLUTE'], 'POLLUTE')).replace('"POLLUTE":"POLLUTE"', `"${key}":${JSON.stringify(payload)}`);
      return signed('prototype-pollution', text);
    },
    // Authentication: unsigned, badly signed, signed with another cluster's secret, stale, replayed, unknown cluster.
    () => ({ family: 'unsigned', method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(base)) }),
    () => {
      const request = signed('bad-signature', JSON.stringify(base));
      request.headers[SIGNATURE_HEADERS.signature] = `sha256=${Array.from({ length: 64 }, () => Math.floor(random() * 16).toString(16)).join('')}`;
      return request;
    },
    () => signed('wrong-secret', JSON.stringify(base), { secret: signer.otherSecret }),
    () => signed('stale-timestamp', JSON.stringify(base), { timestamp: Math.floor(Date.now() / 1000) - 3600 - Math.floor(random() * 1e6) }),
    () => signed('unknown-cluster', JSON.stringify({ ...base, cluster: 'nowhere' }), { cluster: `nowhere-${Math.floor(random() * 1000)}` }),
    () => signed('cluster-mismatch', JSON.stringify(withPath(base, ['cluster'], signer.cluster)), { cluster: signer.otherCluster, secret: signer.otherSecret }),
    () => ({ family: 'wrong-method', method: pick(['GET', 'PUT', 'DELETE', 'PATCH']), headers: {}, body: Buffer.alloc(0) }),
  ];

  // Replays need a delivery that was seen: each replay case re-sends one already-sent id.
  const replay = (): HostileRequest => signed('replayed', JSON.stringify({ ...base, occurrences: 'x' }), { deliveryId: `fuzz-${seed}-${Math.floor(random() * Math.max(1, delivery - 1))}` });

  for (let index = 0; index < count; index += 1) {
    const request = index > 100 && random() < 0.03 ? replay() : pick(families)();
    // Bodies that carry a method without a body must not send one.
    if (request.method === 'GET') request.body = Buffer.alloc(0);
    yield request;
  }
}
