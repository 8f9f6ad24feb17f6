import { describe, expect, it } from 'vitest';
import { findFailedConnections } from '../../src/correlate/log-targets.js';
import { CONNECTION_FAILURES, NOT_CONNECTION_FAILURES } from './connection-failures.corpus.js';

const targets = (logs: string) => findFailedConnections(logs).map((connection) => `${connection.host}${connection.port ? `:${connection.port}` : ''}`);

describe('the connection-failure corpus', () => {
  it('covers at least 60 lines from at least 12 client libraries and runtimes', () => {
    expect(CONNECTION_FAILURES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CONNECTION_FAILURES.map((entry) => entry.client)).size).toBeGreaterThanOrEqual(12);
  });

  it.each(CONNECTION_FAILURES.map((entry) => [entry.client, entry.line, entry.targets] as const))('%s: %s', (_client, line, expected) => {
    expect(targets(line).sort()).toEqual([...expected].sort());
  });

  it.each(NOT_CONNECTION_FAILURES.map((entry) => [entry.what, entry.line] as const))('reads nothing from %s', (_what, line) => {
    expect(findFailedConnections(line)).toEqual([]);
  });
});
