/**
 * The README's intake protocol, followed to the letter by a client that knows only the README:
 * header names, the `sha256=` prefix and the signed material come from its text, the report from
 * its example, and the answers must be the status codes it lists.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Probot, Server, type ApplicationFunctionOptions } from 'probot';
import { createRuntime } from '../../src/app/runtime.js';
import { ClusterRegistry } from '../../src/server/clusters.js';
import { MemoryReplayStore } from '../../src/server/replay.js';
import { AppMetrics } from '../../src/server/metrics.js';
import { InProcessJobQueue } from '../../src/queue/in-process.js';
import { SIGNATURE_HEADERS } from '../../src/report/signature.js';
import { RecoveryReportSchema } from '../../src/report/schema.js';
import { testPrivateKey } from '../app/github-mock.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SECTION = README.slice(README.indexOf('<!-- intake-protocol:start -->'), README.indexOf('<!-- intake-protocol:end -->'));
const SECRET = 'prod-eu-shared-secret-0123456789';

/** The first column of the markdown table whose header row starts with `| first |`. */
function tableColumn(first: string): string[] {
  const lines = SECTION.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${first} |`));
  const rows: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(/^\| `([^`]+)` \|/.exec(line)![1]!);
  }
  return rows;
}

function tableRow(name: string): string {
  return SECTION.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))!;
}

/** The README's recipe: prefix + hex HMAC-SHA256 of the material template with the values filled in. */
function signByReadme(timestamp: string, delivery: string, body: string, secret = SECRET): string {
  const recipe = /`([^`]+)` followed by the hex HMAC-SHA256, keyed with the cluster's secret, of `([^`]+)`/.exec(tableRow(SIGNATURE_HEADERS.signature))!;
  const [, prefix, template] = recipe;
  const material = template!.replace('<timestamp>', timestamp).replace('<delivery>', delivery).replace('<body>', body);
  return prefix + createHmac('sha256', secret).update(material).digest('hex');
}

const RECOVERY_EXAMPLE = /```json\n([\s\S]*?)```/.exec(SECTION)![1]!;

let server: Server;
let base: string;
const queue = new InProcessJobQueue();

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  server = new Server({ Probot: Probot.defaults({ appId: 1, privateKey: testPrivateKey(), logLevel: 'fatal' }), port, host: '127.0.0.1' });
  await server.load((app: Probot, { addHandler }: ApplicationFunctionOptions) => {
    const runtime = createRuntime({
      app,
      env: {},
      queue,
      metrics: new AppMetrics(),
      replay: new MemoryReplayStore(),
      clusters: new ClusterRegistry({ 'prod-eu': { secret: SECRET } }),
    });
    for (const handler of runtime.handlers) addHandler(handler);
  });
  await server.start();
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await server.stop();
  await queue.close();
});

function send(body: string, options: { cluster?: string; timestamp?: string; delivery?: string; secret?: string } = {}): Promise<Response> {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const delivery = options.delivery ?? randomUUID();
  const [cluster, timestampHeader, deliveryHeader, signatureHeader] = tableColumn('header');
  return fetch(`${base}/kubecure/v1/reports`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      [cluster!]: options.cluster ?? 'prod-eu',
      [timestampHeader!]: timestamp,
      [deliveryHeader!]: delivery,
      [signatureHeader!]: signByReadme(timestamp, delivery, body, options.secret),
    },
  });
}

describe('the intake protocol as the README states it', () => {
  it('names the headers the App reads, in the order it lists them', () => {
    expect(tableColumn('header')).toEqual([SIGNATURE_HEADERS.cluster, SIGNATURE_HEADERS.timestamp, SIGNATURE_HEADERS.delivery, SIGNATURE_HEADERS.signature]);
  });

  it('lists every RecoveryReport field the schema has, and its example is a valid report', () => {
    expect(tableColumn('field')).toEqual(Object.keys(RecoveryReportSchema.shape));
    expect(RecoveryReportSchema.safeParse(JSON.parse(RECOVERY_EXAMPLE)).success).toBe(true);
  });

  it('accepts the example report signed by its recipe with 202, and answers the other cases with the codes it lists', async () => {
    const answers = /Answers: ([\s\S]*?)A signed request by hand/.exec(SECTION)![1]!;
    const listed = [...answers.matchAll(/`(\d{3})`/g)].map((match) => Number(match[1]));
    expect(listed).toEqual([202, 400, 401, 403, 413, 503]);

    const delivery = randomUUID();
    const accepted = await send(RECOVERY_EXAMPLE, { delivery });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ coalesced: false, jobId: expect.any(String) });

    // "an id is accepted once"
    expect((await send(RECOVERY_EXAMPLE, { delivery })).status).toBe(401);
    // "refused more than 300 seconds from the App's clock"
    expect((await send(RECOVERY_EXAMPLE, { timestamp: String(Math.floor(Date.now() / 1000) - 301) })).status).toBe(401);
    // "8 to 128 characters of A-Z a-z 0-9 _ -"
    expect((await send(RECOVERY_EXAMPLE, { delivery: 'short' })).status).toBe(401);
    expect((await send(RECOVERY_EXAMPLE, { secret: 'not-the-cluster-secret-0000' })).status).toBe(401);
    expect((await send(RECOVERY_EXAMPLE, { cluster: 'unknown' })).status).toBe(403);
    expect((await send('{"kind": "RecoveryReport"}')).status).toBe(400);
    expect((await send(JSON.stringify({ ...JSON.parse(RECOVERY_EXAMPLE), padding: 'x'.repeat(1024 * 1024) }))).status).toBe(413);
  });
});
