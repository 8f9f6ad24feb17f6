/**
 * Runs the real agent (`createAgent`) against the fake API server, delivering to a local sink
 * that checks every request's signature and parses every report with the shared schema.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAgent, type Agent, type AgentDependencies } from '../../agent/agent.js';
import type { AgentConfig } from '../../agent/config.js';
import { createJsonLogger } from '../../agent/log.js';
import { parseAnyReport, type FailureReport, type RecoveryReport } from '../../src/report/schema.js';
import { SIGNATURE_HEADERS, verifySignature } from '../../src/report/signature.js';
import { FakeKubeApi } from '../support/fake-kube-api.js';
import { waitFor } from '../support/wait.js';

export { waitFor };

export const CLUSTER = 'test-cluster';
export const SECRET = 'sink-secret-0123456789';

export interface ReceivedRequest {
  status: number;
  signatureOk: boolean;
  cluster: string | undefined;
  kind: string | undefined;
  body: string;
  headers: Record<string, string | undefined>;
}

/** A stand-in for the App's intake: verifies, parses, records; answers from a scripted list. */
export class ReportSink {
  readonly failures: FailureReport[] = [];
  /** `performance.now()` when each failure report arrived (latency benchmark). */
  readonly failureArrivals: number[] = [];
  readonly recoveries: RecoveryReport[] = [];
  readonly requests: ReceivedRequest[] = [];
  readonly invalid: string[] = [];
  /** Statuses to answer with, in order; 202 once exhausted. */
  script: number[] = [];
  /** How far the App's clock is ahead of this machine's: it verifies and sends `Date` by it. */
  clockOffsetMs = 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const header = (name: string) => request.headers[name] as string | undefined;
        const check = verifySignature({
          secret: SECRET,
          body,
          timestamp: header(SIGNATURE_HEADERS.timestamp),
          deliveryId: header(SIGNATURE_HEADERS.delivery),
          signature: header(SIGNATURE_HEADERS.signature),
          now: new Date(Date.now() + this.clockOffsetMs),
        });
        const status = this.script.shift() ?? (check.ok && request.url === '/kubecure/v1/reports' ? 202 : 401);
        let kind: string | undefined;
        if (status === 202) {
          const parsed = parseAnyReport(JSON.parse(body));
          if (!parsed.ok) this.invalid.push(JSON.stringify(parsed.errors));
          else if (parsed.value.kind === 'FailureReport') {
            this.failures.push(parsed.value);
            this.failureArrivals.push(performance.now());
          }
          else this.recoveries.push(parsed.value);
          kind = parsed.ok ? parsed.value.kind : undefined;
        }
        const headers = Object.fromEntries(Object.values(SIGNATURE_HEADERS).map((name) => [name, header(name)]));
        this.requests.push({ status, signatureOk: check.ok, cluster: header(SIGNATURE_HEADERS.cluster), kind, body, headers });
        response.writeHead(status, { date: new Date(Date.now() + this.clockOffsetMs).toUTCString() }).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export function testConfig(api: FakeKubeApi, sink: ReportSink, overrides: Partial<AgentConfig> = {}): AgentConfig {
  return {
    cluster: CLUSTER,
    appUrl: sink.url,
    clusterSecret: SECRET,
    namespaces: [],
    debounceWindowMs: 60_000,
    settleMs: 300,
    logBytes: 4096,
    logTailLines: 50,
    collectConcurrency: 4,
    outboxMax: 100,
    outboxMaxBytes: 20 * 1024 * 1024,
    queuedLogBytes: 4096,
    outboxFile: undefined,
    port: 0,
    bindAddress: '127.0.0.1',
    watchStallMs: 60_000,
    watchTimeoutSeconds: 300,
    listPageSize: 500,
    resyncMs: 3_600_000,
    ownerCacheMs: 60_000,
    eventMaxAgeMs: 600_000,
    kubeApiUrl: api.url,
    kubeToken: api.token,
    logLevel: 'error',
    ...overrides,
  };
}

export interface Harness {
  api: FakeKubeApi;
  sink: ReportSink;
  agent: Agent;
  logs: string[];
  stop(): Promise<void>;
}

/** Starts the fake API, the sink and an agent; `seed` runs before the agent's first list. */
export async function startHarness(
  options: { config?: Partial<AgentConfig>; deps?: Partial<AgentDependencies>; seed?: (api: FakeKubeApi) => void; start?: boolean } = {},
): Promise<Harness> {
  const api = new FakeKubeApi();
  const sink = new ReportSink();
  await Promise.all([api.start(), sink.start()]);
  options.seed?.(api);
  const logs: string[] = [];
  const agent = createAgent(testConfig(api, sink, options.config), {
    logger: createJsonLogger('debug', (line) => logs.push(line)),
    backoffInitialMs: 50,
    recoveryCheckMs: 50,
    ...options.deps,
  });
  if (options.start !== false) {
    agent.start();
    await waitFor(() => agent.isReady(), 5000, 'agent ready');
  }
  return {
    api,
    sink,
    agent,
    logs,
    async stop() {
      await agent.stop();
      await Promise.all([api.stop(), sink.stop()]);
    },
  };
}
