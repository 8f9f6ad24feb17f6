/**
 * Memory benchmark at 10,000 realistic pods, in one run against one fake API server:
 *
 *  - bare Node (an idle process): the floor no Node program goes below;
 *  - the bundled agent (`dist-agent/agent.mjs`, built here), exactly as the image runs it, with
 *    each candidate set of Node flags, so the image's flags are chosen by this measurement;
 *  - client-node's stock `makeInformer`, in its own compiled worker.
 *
 * RSS is read from `/proc/<pid>/status` (VmRSS; VmHWM for the peak), so nothing in the measured
 * process helps it. Steady RSS is the median over two seconds once the cache is full and settled.
 * Run with `npx tsx test/bench/agent-memory.ts`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeKubeApi } from '../support/fake-kube-api.js';
import { makePod } from '../support/fake-kube/objects.js';

export interface MemorySample {
  mode: 'agent' | 'informer';
  pods: number;
  syncMs: number;
  baselineRssMb: number;
  peakRssMb: number;
  steadyRssMb: number;
  steadyHeapMb: number;
}

export interface ProcessMemory {
  label: string;
  flags: string[];
  syncMs: number;
  peakRssMb: number;
  steadyRssMb: number;
}

export interface MemoryResult {
  pods: number;
  bareNode: ProcessMemory;
  /** The bundled agent under each candidate flag set; `chosen` is the lowest steady RSS. */
  agent: ProcessMemory[];
  chosen: ProcessMemory;
  informer: MemorySample;
  bundleKb: number;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER_SOURCE = join(ROOT, 'test/bench/agent-memory-worker.ts');
/** Compiled next to the dependencies so imports resolve; a TypeScript loader would add ~100 MB to every RSS. */
const BUILD_DIR = join(ROOT, 'node_modules/.cache/kubecure-bench');
const BUNDLE = join(BUILD_DIR, 'agent.mjs');

/** Node flags tried on the bundled agent; the image uses the winner (agent/Dockerfile). */
export const FLAG_CANDIDATES: string[][] = [[], ['--max-semi-space-size=1'], ['--max-semi-space-size=1', '--optimize-for-size']];

const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;

function compileWorker(): string {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const args = [tsc, WORKER_SOURCE, '--outDir', BUILD_DIR, '--rootDir', ROOT, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node'];
  // Emits even when unrelated files have type errors; only the worker's import graph is compiled.
  spawnSync(process.execPath, args, { stdio: 'ignore' });
  const output = join(BUILD_DIR, 'test/bench/agent-memory-worker.js');
  if (!existsSync(output)) throw new Error('could not compile the memory worker');
  return output;
}

async function bundleAgent(): Promise<string> {
  const { buildAgent } = (await import(join(ROOT, 'agent/build.mjs'))) as { buildAgent(destination: string): Promise<string> };
  return buildAgent(BUNDLE);
}

/** VmRSS and VmHWM of a live process, in kB. */
function procMemory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function steadyRss(child: ChildProcess): Promise<number> {
  await sleep(3000);
  const samples: number[] = [];
  for (let index = 0; index < 20; index += 1) {
    samples.push(procMemory(child.pid!).rss);
    await sleep(100);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
}

async function measureBareNode(): Promise<ProcessMemory> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    const steady = await steadyRss(child);
    return { label: 'bare Node', flags: [], syncMs: 0, peakRssMb: mb(procMemory(child.pid!).hwm), steadyRssMb: mb(steady) };
  } finally {
    await stopChild(child);
  }
}

async function measureBundledAgent(bundle: string, flags: string[], api: FakeKubeApi, pods: number): Promise<ProcessMemory> {
  const port = await freePort();
  const child = spawn(process.execPath, [...flags, bundle], {
    env: {
      PATH: process.env.PATH ?? '',
      KUBECURE_CLUSTER: 'bench',
      // Nothing fails in this cluster, so nothing is sent; the URL only has to be valid.
      KUBECURE_APP_URL: 'http://127.0.0.1:9',
      KUBECURE_CLUSTER_SECRET: 'bench-secret-0123456789',
      KUBECURE_KUBE_API_URL: api.url,
      KUBECURE_KUBE_TOKEN: api.token,
      KUBECURE_PORT: String(port),
      KUBECURE_BIND_ADDRESS: '127.0.0.1',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const started = Date.now();
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the bundled agent exited with ${child.exitCode}`);
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text(), () => '');
      if (new RegExp(`^kubecure_agent_pods_cached ${pods}$`, 'm').test(metrics)) break;
      if (Date.now() - started > 120_000) throw new Error('the bundled agent did not cache every pod in 120 s');
      await sleep(200);
    }
    const syncMs = Date.now() - started;
    const steady = await steadyRss(child);
    return { label: `bundled agent ${flags.join(' ') || '(no flags)'}`, flags, syncMs, peakRssMb: mb(procMemory(child.pid!).hwm), steadyRssMb: mb(steady) };
  } finally {
    await stopChild(child);
  }
}

function runInformerWorker(worker: string, api: FakeKubeApi, pods: number): Promise<MemorySample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', worker, 'informer'], {
      env: { ...process.env, BENCH_API_URL: api.url, BENCH_API_TOKEN: api.token, BENCH_PODS: String(pods) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.trim().split('\n').at(-1);
      if (code !== 0 || !line) return reject(new Error(`informer worker exited with ${code}: ${output}`));
      resolve(JSON.parse(line) as MemorySample);
    });
  });
}

export async function measureAgentMemory(options: { pods?: number; flagCandidates?: string[][] } = {}): Promise<MemoryResult> {
  if (!existsSync('/proc/self/status')) throw new Error('the memory benchmark reads /proc and runs on Linux only');
  const pods = options.pods ?? 10_000;
  const api = new FakeKubeApi();
  await api.start();
  for (let index = 0; index < pods; index += 1) {
    const deployment = `svc-${index % 400}`;
    api.upsertPod(makePod({ name: `${deployment}-6f7d8c9b5-${index.toString(36).padStart(5, '0')}`, namespace: `team-${index % 40}`, deployment, templateHash: '6f7d8c9b5' }));
  }
  try {
    const [bundle, worker] = [await bundleAgent(), compileWorker()];
    const bareNode = await measureBareNode();
    const agent: ProcessMemory[] = [];
    for (const flags of options.flagCandidates ?? FLAG_CANDIDATES) agent.push(await measureBundledAgent(bundle, flags, api, pods));
    const informer = await runInformerWorker(worker, api, pods);
    const chosen = [...agent].sort((a, b) => a.steadyRssMb - b.steadyRssMb)[0]!;
    return { pods, bareNode, agent, chosen, informer, bundleKb: Math.round(readFileSync(bundle).length / 1024) };
  } finally {
    await api.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await measureAgentMemory();
  console.table([
    { process: result.bareNode.label, 'steady RSS MB': result.bareNode.steadyRssMb, 'peak RSS MB': result.bareNode.peakRssMb, 'sync ms': '' },
    ...result.agent.map((sample) => ({ process: sample.label, 'steady RSS MB': sample.steadyRssMb, 'peak RSS MB': sample.peakRssMb, 'sync ms': sample.syncMs })),
    { process: 'client-node makeInformer', 'steady RSS MB': result.informer.steadyRssMb, 'peak RSS MB': result.informer.peakRssMb, 'sync ms': result.informer.syncMs },
  ]);
  console.log(`bundle ${result.bundleKb} KB; peak ratio informer / chosen agent: ${(result.informer.peakRssMb / result.chosen.peakRssMb).toFixed(1)}×`);
}
