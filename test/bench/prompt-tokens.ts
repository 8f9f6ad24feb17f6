/**
 * Prompt-size benchmark: the estimated prompt tokens for a crash report carrying 1 KB, 100 KB and
 * 1 MB of realistic, varied log (access lines, cache chatter with unique keys, warnings, a stack
 * trace), with the decisive line near the start, the middle and the end. The goal is every prompt
 * within the default 6k budget and the decisive line always kept.
 * Run with `npx tsx test/bench/prompt-tokens.ts`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildPrompt, DEFAULT_BUDGET_TOKENS } from '../../src/diagnose/llm/prompt.js';
import { parseFailureReport, type FailureReport } from '../../src/report/schema.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/llm/', import.meta.url));
const SIZES = [1_024, 102_400, 1_048_576];
const POSITIONS = [0.05, 0.5, 0.95];
const DECISIVE = 'FATAL pq: password authentication failed for user "orders" (SQLSTATE 28P01)';

/** Deterministic pseudo-random numbers (mulberry32), so runs compare. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpine', 'birch', 'cedar', 'delta', 'ember', 'fjord', 'garnet', 'harbor', 'indigo', 'juniper', 'krypton', 'lagoon', 'meadow', 'nectar'];
const PATHS = ['/api/v1/orders', '/api/v1/carts', '/api/v1/users', '/api/v1/search', '/healthz', '/metrics', '/api/v1/products'];
const TRACE = [
  'ERROR [pool-3-thread-7] c.a.orders.sync.InventoryClient - inventory sync failed',
  'java.net.SocketTimeoutException: Read timed out',
  '\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)',
  '\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)',
  '\tat com.acme.orders.sync.InventoryClient.fetch(InventoryClient.java:77)',
];

function logOf(bytes: number, decisiveAt: number, seed: number): string {
  const next = random(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
  const lines: string[] = [];
  let size = 0;
  let inserted = false;
  for (let i = 0; size < bytes; i += 1) {
    if (!inserted && size >= bytes * decisiveAt) {
      lines.push(`2025-06-12T09:14:03.221Z ${DECISIVE}`);
      inserted = true;
    }
    const time = `2025-06-12T09:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z`;
    const roll = next();
    const line =
      roll < 0.6
        ? `${time} INFO  http ${pick(['GET', 'POST'])} ${pick(PATHS)}/${Math.floor(next() * 1e6)} ${pick([200, 200, 201, 304, 404])} ${Math.floor(next() * 300)}ms rid=${Math.floor(next() * 2 ** 32).toString(16)}`
        : roll < 0.9
          ? `${time} DEBUG cache miss for product:${pick(WORDS)}-${pick(WORDS)}-${pick(WORDS)} in region ${pick(WORDS)}`
          : roll < 0.98
            ? `${time} WARN  slow query on ${pick(WORDS)}_${pick(WORDS)} took ${Math.floor(next() * 5000)}ms`
            : TRACE.join('\n');
    lines.push(line);
    size += line.length + 1;
  }
  if (!inserted) lines.push(`2025-06-12T09:14:03.221Z ${DECISIVE}`);
  return lines.join('\n').slice(-bytes - DECISIVE.length - 40);
}

function baseReport(): FailureReport {
  const parsed = parseFailureReport(JSON.parse(readFileSync(`${FIXTURES}report-crashloop.json`, 'utf8')));
  if (!parsed.ok) throw new Error('report fixture does not parse');
  return parsed.value;
}

export async function benchPromptTokens(): Promise<Array<{ logBytes: number; tokens: number; decisiveLineKept: boolean }>> {
  const report = baseReport();
  const source = { file: 'apps/shop/api/deployment.yaml', text: readFileSync(`${FIXTURES}source-deployment.yaml`, 'utf8') };
  const rows: Array<{ logBytes: number; tokens: number; decisiveLineKept: boolean }> = [];
  for (const size of SIZES) {
    POSITIONS.forEach((position, index) => {
      const log = logOf(size, position, size + index);
      const prompt = buildPrompt({ report: { ...report, logs: { previous: log, truncated: false } }, source });
      rows.push({ logBytes: Buffer.byteLength(log), tokens: prompt.tokens, decisiveLineKept: prompt.user.includes(DECISIVE) });
    });
  }
  return rows;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function main(): Promise<void> {
  const rows = await benchPromptTokens();
  console.log(`budget: ${DEFAULT_BUDGET_TOKENS} tokens (estimate: chars / 3.2)\n`);
  console.log('| log bytes | prompt tokens | decisive line kept |');
  console.log('| ---: | ---: | :---: |');
  for (const row of rows) console.log(`| ${row.logBytes} | ${row.tokens} | ${row.decisiveLineKept ? 'yes' : 'NO'} |`);
  console.log(`\np95 prompt tokens: ${percentile(rows.map((row) => row.tokens), 95)}; decisive line kept in ${rows.filter((row) => row.decisiveLineKept).length}/${rows.length}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
