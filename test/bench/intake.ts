/**
 * Intake throughput: signed FailureReports POSTed to the real App (Probot's server, the intake
 * route, the Redis replay store and the BullMQ queue) over keep-alive HTTP, as many agents
 * delivering at once would. Reports are for 500 workloads, so repeats coalesce into queued jobs
 * as they do in a storm. Run alone: `npx tsx test/bench/intake.ts`.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { signRequest } from '../../src/report/signature.js';
import { startApp } from '../support/e2e/app.js';
import { LogCapture } from '../support/e2e/logs.js';
import { oomReportFor, syntheticService } from '../support/e2e/synthetic.js';
import { deleteKeys } from '../support/e2e/world.js';

export interface IntakeThroughput {
  reports: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  accepted: number;
  coalesced: number;
}

const CLUSTER = 'bench-cluster';
const SECRET = 'bench-secret-0123456789abcdef';

export async function measureIntakeThroughput(options: { reports?: number; concurrency?: number } = {}): Promise<IntakeThroughput> {
  const reports = options.reports ?? 5_000;
  const concurrency = options.concurrency ?? 64;
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1'));
  const prefix = `kubecure-bench-intake-${randomUUID().slice(0, 8)}`;
  const app = await startApp({ clusters: { [CLUSTER]: { secret: SECRET } }, prefix, logs: new LogCapture(), logLevel: 'info', startWorker: false });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL('/kubecure/v1/reports', app.url);
  const bodies = Array.from({ length: 500 }, (_, index) => JSON.stringify(oomReportFor(syntheticService(index), CLUSTER)));
  let accepted = 0;
  let coalesced = 0;
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...signRequest(CLUSTER, SECRET, body) } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          if (res.statusCode !== 202) return reject(new Error(`intake answered ${res.statusCode}: ${text}`));
          accepted += 1;
          if (JSON.parse(text).coalesced) coalesced += 1;
          resolve();
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  try {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < reports) await post(bodies[next++ % bodies.length]!);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { reports, concurrency, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(reports / seconds), accepted, coalesced };
  } finally {
    agent.destroy();
    await app.stop();
    await deleteKeys(prefix);
    nock.enableNetConnect();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.table([await measureIntakeThroughput()]);
  process.exit(0);
}
