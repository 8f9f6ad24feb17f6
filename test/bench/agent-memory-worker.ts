/**
 * The comparison side of the memory benchmark, run in its own process so RSS is its own:
 * client-node's stock `makeInformer` watching every pod of the fake API server named by
 * BENCH_API_URL. (The agent side runs the bundled agent itself.) Prints one JSON line.
 */
import * as k8s from '@kubernetes/client-node';

const mode = process.argv[2];
const apiUrl = process.env.BENCH_API_URL!;
const token = process.env.BENCH_API_TOKEN!;
const expected = Number(process.env.BENCH_PODS);

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);

function settle(): Promise<void> {
  globalThis.gc?.();
  return new Promise((resolve) => setTimeout(resolve, 1500)).then(() => {
    globalThis.gc?.();
    return new Promise<void>((resolve) => setTimeout(resolve, 500));
  });
}

async function waitUntil(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function main(): Promise<void> {
  await settle();
  const baseline = process.memoryUsage().rss;
  peak = baseline;
  const started = Date.now();
  const kc = new k8s.KubeConfig();
  kc.loadFromClusterAndUser({ name: 'bench', server: apiUrl, skipTLSVerify: true }, { name: 'bench', token });
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(kc, '/api/v1/pods', () => core.listPodForAllNamespaces());
  await informer.start();
  const cached = () => informer.list().length;
  const stop = () => informer.stop();
  await waitUntil(() => cached() >= expected);
  const syncMs = Date.now() - started;
  await settle();
  const steady = process.memoryUsage();
  clearInterval(sampler);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(
    JSON.stringify({
      mode,
      pods: cached(),
      syncMs,
      baselineRssMb: mb(baseline),
      peakRssMb: mb(Math.max(peak, maxRss)),
      steadyRssMb: mb(steady.rss),
      steadyHeapMb: mb(steady.heapUsed),
    }) + '\n',
  );
  await stop();
  process.exit(0);
}

void main();
