/**
 * Memory benchmark: peak and steady RSS while watching 10,000 realistic pods, the agent's slim
 * reflector side by side with client-node's stock `makeInformer`, each in its own child process
 * against the same fake API server. Run with `npx tsx test/bench/agent-memory.ts`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER_SOURCE = join(ROOT, 'test/bench/agent-memory-worker.ts');
/** Compiled next to the dependencies so imports resolve; a TypeScript loader would add ~100 MB to every RSS. */
const BUILD_DIR = join(ROOT, 'node_modules/.cache/kubecure-bench');

function compileWorker(): string {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const args = [tsc, WORKER_SOURCE, '--outDir', BUILD_DIR, '--rootDir', ROOT, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node'];
  // Emits even when unrelated files have type errors; only the worker's import graph is compiled.
  spawnSync(process.execPath, args, { stdio: 'ignore' });
  const output = join(BUILD_DIR, 'test/bench/agent-memory-worker.js');
  if (!existsSync(output)) throw new Error('could not compile the memory worker');
  return output;
}

function runWorker(worker: string, mode: 'agent' | 'informer', api: FakeKubeApi, pods: number): Promise<MemorySample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', worker, mode], {
      env: { ...process.env, BENCH_API_URL: api.url, BENCH_API_TOKEN: api.token, BENCH_PODS: String(pods) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.trim().split('\n').at(-1);
      if (code !== 0 || !line) return reject(new Error(`${mode} worker exited with ${code}: ${output}`));
      resolve(JSON.parse(line) as MemorySample);
    });
  });
}

export async function measureAgentMemory(options: { pods?: number } = {}): Promise<{ agent: MemorySample; informer: MemorySample }> {
  const pods = options.pods ?? 10_000;
  const api = new FakeKubeApi();
  await api.start();
  for (let index = 0; index < pods; index += 1) {
    const deployment = `svc-${index % 400}`;
    api.upsertPod(makePod({ name: `${deployment}-6f7d8c9b5-${index.toString(36).padStart(5, '0')}`, namespace: `team-${index % 40}`, deployment, templateHash: '6f7d8c9b5' }));
  }
  try {
    const worker = compileWorker();
    const agent = await runWorker(worker, 'agent', api, pods);
    const informer = await runWorker(worker, 'informer', api, pods);
    return { agent, informer };
  } finally {
    await api.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { agent, informer } = await measureAgentMemory();
  const rows = [agent, informer].map((sample) => ({
    watcher: sample.mode === 'agent' ? 'kubecure agent (slim reflector)' : 'client-node makeInformer',
    pods: sample.pods,
    'sync ms': sample.syncMs,
    'baseline RSS MB': sample.baselineRssMb,
    'peak RSS MB': sample.peakRssMb,
    'steady RSS MB': sample.steadyRssMb,
    'steady heap MB': sample.steadyHeapMb,
    'watch cost (steady − baseline) MB': Math.round((sample.steadyRssMb - sample.baselineRssMb) * 10) / 10,
    'peak − baseline MB': Math.round((sample.peakRssMb - sample.baselineRssMb) * 10) / 10,
  }));
  console.table(rows);
  console.log(`peak RSS ratio (informer / agent): ${(informer.peakRssMb / agent.peakRssMb).toFixed(1)}×`);
  console.log(`peak-over-baseline ratio (informer / agent): ${((informer.peakRssMb - informer.baselineRssMb) / (agent.peakRssMb - agent.baselineRssMb)).toFixed(1)}×`);
}
