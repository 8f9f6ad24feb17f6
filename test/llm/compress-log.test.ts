import { describe, expect, it } from 'vitest';
import { compressLog, normalizeLine } from '../../src/diagnose/llm/compress-log.js';
import { estimateTokens } from '../../src/diagnose/llm/tokens.js';

function noisyLog(bytes: number, decisive: string, decisiveAt = 0.5): string {
  const lines: string[] = [];
  let size = 0;
  let inserted = false;
  for (let i = 0; size < bytes; i += 1) {
    if (!inserted && size >= bytes * decisiveAt) {
      lines.push(decisive);
      inserted = true;
    }
    // Varied enough not to collapse into one shape: paths, methods and statuses change.
    const line = `2025-06-12T09:${String(i % 60).padStart(2, '0')}:${String(i % 59).padStart(2, '0')}.${i % 1000}Z INFO http ${['GET', 'POST', 'PUT'][i % 3]} /api/v1/${['orders', 'carts', 'users', 'items', 'search', 'health'][i % 6]}/${'x'.repeat(i % 7)} status=${[200, 201, 204, 304][i % 4]} took=${i % 97}ms`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

describe('compressLog', () => {
  it('returns a log that already fits unchanged apart from merged repeats', () => {
    const log = 'starting\nlistening on :8080\nready';
    expect(compressLog(log, 1000)).toBe(log);
  });

  it('merges lines that differ only in timestamps, ids and numbers, keeping the latest with a count', () => {
    const log = [
      '2025-06-12T09:00:01Z WARN retrying connection to redis (attempt 1) id=3f9a1c2e4b',
      '2025-06-12T09:00:02Z WARN retrying connection to redis (attempt 2) id=aa9a1c2e4b',
      '2025-06-12T09:00:03Z WARN retrying connection to redis (attempt 3) id=bb9a1c2e4b',
      '2025-06-12T09:00:04Z ERROR giving up on redis',
    ].join('\n');
    expect(compressLog(log, 1000)).toBe(
      [
        '2025-06-12T09:00:03Z WARN retrying connection to redis (attempt 3) id=bb9a1c2e4b  [×3]',
        '2025-06-12T09:00:04Z ERROR giving up on redis',
      ].join('\n'),
    );
  });

  it('normalizes the parts of a line that change between repeats', () => {
    expect(normalizeLine('Jun 12 09:00:01 pod[123]: req 550e8400-e29b-41d4-a716-446655440000 took 12ms')).toBe(
      '<ts> pod[#]: req <id> took #ms',
    );
  });

  it('keeps a Java stack trace whole, including its Caused by chain', () => {
    const trace = [
      'Exception in thread "main" org.springframework.beans.factory.BeanCreationException: Error creating bean with name \'dataSource\'',
      '\tat org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(AbstractAutowireCapableBeanFactory.java:1804)',
      '\tat org.springframework.boot.SpringApplication.run(SpringApplication.java:335)',
      'Caused by: java.net.UnknownHostException: postgres.db.svc.cluster.local',
      '\tat java.base/java.net.InetAddress.getAllByName0(InetAddress.java:1302)',
      '\t... 42 more',
    ].join('\n');
    const log = `${noisyLog(200_000, 'nothing decisive here', 0)}\n${trace}\n${noisyLog(50_000, 'still nothing', 0)}`;
    const compressed = compressLog(log, 2000);
    expect(compressed).toContain(trace);
    expect(estimateTokens(compressed)).toBeLessThanOrEqual(2000);
  });

  it('keeps a Python traceback and a Go panic as single blocks', () => {
    const python = [
      'Traceback (most recent call last):',
      '  File "/app/main.py", line 12, in <module>',
      '    settings = load_settings()',
      'KeyError: \'DATABASE_URL\'',
    ].join('\n');
    const go = ['panic: runtime error: invalid memory address or nil pointer dereference', '', 'goroutine 1 [running]:', 'main.main()', '\t/src/main.go:27 +0x1d'].join('\n');
    const compressed = compressLog(`${noisyLog(120_000, 'x', 0)}\n${python}\n${noisyLog(120_000, 'y', 0)}\n${go}`, 1500);
    expect(compressed).toContain(python);
    expect(compressed).toContain(go);
  });

  it.each([1_000, 100_000, 1_000_000])('fits a %i-byte log into the budget and keeps the decisive line', (bytes) => {
    const decisive = '2025-06-12T09:13:58Z FATAL pq: password authentication failed for user "orders"';
    const log = noisyLog(bytes, decisive, 0.4);
    const compressed = compressLog(log, 3000);
    expect(estimateTokens(compressed)).toBeLessThanOrEqual(3000);
    expect(compressed).toContain(decisive);
  });

  it('keeps the last lines and marks what it left out', () => {
    const log = noisyLog(300_000, 'filler', 0);
    const lastLine = log.split('\n').at(-1)!;
    const compressed = compressLog(log, 1000);
    expect(compressed.split('\n').at(-1)?.startsWith(lastLine)).toBe(true);
    expect(compressed).toMatch(/… \d+ lines omitted …/);
    expect(compressed.split('\n')[0]).toMatch(/^\[log compressed from \d+ lines/);
  });

  it('prefers the most severe lines when not every error fits', () => {
    const errors = Array.from({ length: 3000 }, (_, i) => `ERROR request ${'abcdefghij'[i % 10]!.repeat(i % 40)} failed: upstream reset`);
    const log = [errors.slice(0, 1500).join('\n'), 'panic: assignment to entry in nil map', errors.slice(1500).join('\n')].join('\n');
    expect(compressLog(log, 800)).toContain('panic: assignment to entry in nil map');
  });

  it('cuts a single enormous line instead of dropping the log', () => {
    const compressed = compressLog(`{"level":"error","msg":"boom","payload":"${'A'.repeat(100_000)}"}`, 500);
    expect(compressed).toContain('"level":"error"');
    expect(estimateTokens(compressed)).toBeLessThanOrEqual(500);
  });
});
