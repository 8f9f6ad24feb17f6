import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../../../src/kube/quantity.js';
import { formatMemoryDown, oomRule, sizeMemoryLimit } from '../../../src/diagnose/rules/oom.js';
import { contextFor, DEFAULT_LIMITS, loadReport, unquotedEvidence, withReport } from '../support.js';

const bytes = (quantity: string): number => parseQuantity(quantity)!;

function checkoutDeployment(resources: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: checkout}
  template:
    metadata:
      labels: {app.kubernetes.io/name: checkout}
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:2.4.1
          ports:
            - containerPort: 8080
              name: http
${resources}
`;
}

const LIMIT_300 = `          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 300Mi}`;
const FILE = 'apps/checkout/deployment.yaml';
const AT: [string, string, string] = [FILE, 'Deployment', 'checkout'];

describe('sizing a new memory limit', () => {
  it('doubles the limit when no usage was observed', () => {
    expect(sizeMemoryLimit(bytes('256Mi'), null, DEFAULT_LIMITS)).toEqual({ limit: '512Mi', basis: '2 × the current 256Mi limit', capped: false });
  });

  it('uses observed usage × 1.5 when that exceeds the current limit, rounded up to 64Mi', () => {
    expect(sizeMemoryLimit(bytes('1Gi'), bytes('1000Mi'), DEFAULT_LIMITS)?.limit).toBe('1536Mi');
    expect(sizeMemoryLimit(bytes('256Mi'), bytes('250Mi'), DEFAULT_LIMITS)?.limit).toBe('384Mi');
  });

  it('ignores a usage sample below the limit (taken after the restart) and doubles instead', () => {
    expect(sizeMemoryLimit(bytes('512Mi'), bytes('90Mi'), DEFAULT_LIMITS)?.limit).toBe('1Gi');
  });

  it('reads decimal and plain-byte quantities, rounding down when rounding up would pass 2×', () => {
    expect(sizeMemoryLimit(bytes('500M'), null, DEFAULT_LIMITS)).toEqual({ limit: '896Mi', basis: '2 × the current 477Mi limit', capped: false });
    expect(sizeMemoryLimit(bytes('1G'), null, DEFAULT_LIMITS)?.limit).toBe('1856Mi');
    expect(sizeMemoryLimit(bytes('268435456'), null, DEFAULT_LIMITS)?.limit).toBe('512Mi');
  });

  it('holds the value under maxIncreaseFactor', () => {
    const sized = sizeMemoryLimit(bytes('512Mi'), bytes('900Mi'), DEFAULT_LIMITS);
    expect(sized).toEqual({ limit: '1Gi', basis: 'observed usage 900Mi × 1.5', capped: true });
  });

  it('holds the value under maxMemory, rounding down to a clean quantity', () => {
    expect(sizeMemoryLimit(bytes('3Gi'), null, DEFAULT_LIMITS)).toMatchObject({ limit: '4Gi', capped: true });
    expect(sizeMemoryLimit(bytes('700Mi'), null, { maxMemory: '1000Mi', maxIncreaseFactor: 2 })).toMatchObject({ limit: '960Mi', capped: true });
  });

  it('gives no size when the bounds leave no room above the current limit', () => {
    expect(sizeMemoryLimit(bytes('4Gi'), null, DEFAULT_LIMITS)).toBeNull();
    expect(sizeMemoryLimit(bytes('1Gi'), null, { maxMemory: '4Gi', maxIncreaseFactor: 1 })).toBeNull();
  });

  it('rounds down to whole Gi above 2Gi and to 64Mi below', () => {
    expect(formatMemoryDown(bytes('3.7Gi'))).toBe('3Gi');
    expect(formatMemoryDown(bytes('1000Mi'))).toBe('960Mi');
    expect(formatMemoryDown(bytes('1024Mi'))).toBe('1Gi');
  });
});

describe('the OOMKilled rule', () => {
  const report = loadReport('oom-checkout');

  it('raises the memory limit declared in the repository to at most twice its value', async () => {
    const diagnosis = await oomRule.diagnose(contextFor(report, { files: { [FILE]: checkoutDeployment(LIMIT_300) }, at: AT }));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'resources', container: 'checkout', path: ['resources', 'limits', 'memory'], value: '576Mi', previous: '300Mi' },
    ]);
    expect(diagnosis?.confidence).toBeGreaterThanOrEqual(80);
    expect(diagnosis).toMatchObject({ category: 'OOMKilled', diagnosedBy: 'rules', ruleId: 'oom' });
    expect(diagnosis?.summary).toContain('300Mi');
    expect(diagnosis?.evidence.length).toBeGreaterThan(0);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('falls back to the limit of the report\'s pod when the workload was not located', async () => {
    const diagnosis = await oomRule.diagnose(contextFor(report));
    expect(diagnosis?.changes[0]).toMatchObject({ value: '512Mi', previous: '256Mi' });
  });

  it('sizes from observed usage when the report carries it', async () => {
    const withUsage = withReport(report, (copy) => {
      copy.usage = { containers: [{ name: 'checkout', memory: '290Mi' }] };
    });
    const diagnosis = await oomRule.diagnose(contextFor(withUsage, { files: { [FILE]: checkoutDeployment(LIMIT_300) }, at: AT }));
    expect(diagnosis?.changes[0]?.value).toBe('448Mi');
    expect(diagnosis?.rationale).toContain('observed usage');
  });

  it('stays below the PR threshold when only exit code 137 points at memory', async () => {
    const sigkillOnly = withReport(report, (copy) => {
      copy.failure.reason = 'Error';
      copy.pod.status = {};
      copy.logs = { truncated: false, previous: 'listening on :8080\nshutting down workers' };
      copy.events = [];
    });
    const diagnosis = await oomRule.diagnose(contextFor(sigkillOnly, { files: { [FILE]: checkoutDeployment(LIMIT_300) }, at: AT }));
    expect(diagnosis?.changes[0]?.value).toBe('576Mi');
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(diagnosis?.risks?.join(' ')).toMatch(/SIGKILL/);
  });

  it('lowers confidence below the PR threshold when a bound cuts the increase short', async () => {
    const diagnosis = await oomRule.diagnose(
      contextFor(report, { files: { [FILE]: checkoutDeployment(LIMIT_300) }, at: AT, limits: { maxMemory: '512Mi' } }),
    );
    expect(diagnosis?.changes[0]?.value).toBe('512Mi');
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(diagnosis?.risks?.join(' ')).toMatch(/capped/);
  });

  it('opens an issue without a change when the limit is already at the maximum', async () => {
    const limit4Gi = '          resources:\n            limits: {memory: 4Gi}';
    const diagnosis = await oomRule.diagnose(contextFor(report, { files: { [FILE]: checkoutDeployment(limit4Gi) }, at: AT }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(diagnosis?.question).toBeTruthy();
  });

  it('does not invent a limit when the repository declares none (the pod\'s came from a LimitRange)', async () => {
    const diagnosis = await oomRule.diagnose(contextFor(report, { files: { [FILE]: checkoutDeployment('') }, at: AT }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.summary).toMatch(/no memory limit/);
    expect(diagnosis?.confidence).toBeLessThanOrEqual(40);
    expect(diagnosis?.question).toMatch(/LimitRange/);
  });

  it('leaves the request alone when it stays under the new limit', async () => {
    const diagnosis = await oomRule.diagnose(contextFor(report, { files: { [FILE]: checkoutDeployment(LIMIT_300) }, at: AT }));
    expect(diagnosis?.changes.map((change) => change.path.join('.'))).toEqual(['resources.limits.memory']);
  });

  it('raises the request too when it would exceed the new limit', async () => {
    const odd = '          resources:\n            requests: {memory: 1Gi}\n            limits: {memory: 256Mi}';
    const diagnosis = await oomRule.diagnose(contextFor(report, { files: { [FILE]: checkoutDeployment(odd) }, at: AT }));
    expect(diagnosis?.changes).toContainEqual({ fixKind: 'resources', container: 'checkout', path: ['resources', 'requests', 'memory'], value: '512Mi', previous: '1Gi' });
  });

  it('names a JVM heap flag as a risk and stays below the PR threshold', async () => {
    const jvm = loadReport('oom-jvm-orders');
    const diagnosis = await oomRule.diagnose(contextFor(jvm));
    expect(diagnosis?.changes[0]).toMatchObject({ value: '1536Mi', previous: '768Mi' });
    expect(diagnosis?.risks?.join(' ')).toContain('-Xmx512m');
    expect(diagnosis?.confidence).toBeLessThan(80);
  });

  const withJavaOptions = (options: string, limit: string) =>
    checkoutDeployment(`          env:\n            - name: JAVA_TOOL_OPTIONS\n              value: "${options}"\n          resources:\n            limits: {memory: ${limit}}`);

  it('keeps full confidence when the heap is a percentage of the limit: it grows with the new limit', async () => {
    const diagnosis = await oomRule.diagnose(contextFor(report, { files: { [FILE]: withJavaOptions('-XX:MaxRAMPercentage=75.0', '512Mi') }, at: AT }));
    expect(diagnosis?.changes[0]).toMatchObject({ value: '1Gi', previous: '512Mi' });
    expect(diagnosis?.confidence).toBeGreaterThanOrEqual(80);
    expect(diagnosis?.rationale).toContain('The heap is sized as a share of the limit (-XX:MaxRAMPercentage=75.0), so it grows with the new limit.');
  });

  it('raises the limit past a fixed -Xmx that nearly fills it, at full confidence', async () => {
    const diagnosis = await oomRule.diagnose(contextFor(report, { files: { [FILE]: withJavaOptions('-Xmx480m', '512Mi') }, at: AT }));
    expect(diagnosis?.changes[0]).toMatchObject({ value: '1Gi', previous: '512Mi' });
    expect(diagnosis?.confidence).toBeGreaterThanOrEqual(80);
    expect(diagnosis?.rationale).toContain('The process fixes its heap at 480Mi (-Xmx480m), near the old limit; 1Gi leaves room for memory outside the heap.');
  });

  it('sizes the limit from a fixed -Xmx above it: the heap plus a quarter for memory outside it', async () => {
    const diagnosis = await oomRule.diagnose(
      contextFor(report, { files: { [FILE]: withJavaOptions('-Xmx1g', '512Mi') }, at: AT, limits: { maxIncreaseFactor: 3 } }),
    );
    expect(diagnosis?.changes[0]).toMatchObject({ value: '1280Mi', previous: '512Mi' });
    expect(diagnosis?.rationale).toContain('the 1024Mi heap + 25% for memory outside it');
    expect(diagnosis?.rationale).toContain('above the old limit');
  });

  it('opens an issue naming the flag when the bounds cannot clear a fixed heap above the limit', async () => {
    const diagnosis = await oomRule.diagnose(contextFor(report, { files: { [FILE]: withJavaOptions('-Xmx2g', '768Mi') }, at: AT }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.confidence).toBeLessThan(80);
    expect(diagnosis?.question).toMatch(/^Lower -Xmx2g \(or size the heap with -XX:MaxRAMPercentage so it follows the limit\), or raise the bounds so the limit can exceed 2560Mi\?$/);
  });

  it('treats a node-level OOM as an issue, not a limit to raise', async () => {
    const nodeOom = withReport(report, (copy) => {
      copy.events.push({
        type: 'Warning', reason: 'SystemOOM', message: 'System OOM encountered, victim process: checkout, pid: 48213',
        involvedObject: { kind: 'Node', name: 'ip-10-0-3-17.eu-west-1.compute.internal' },
      });
    });
    const diagnosis = await oomRule.diagnose(contextFor(nodeOom, { files: { [FILE]: checkoutDeployment(LIMIT_300) }, at: AT }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.evidence).toContain('System OOM encountered, victim process: checkout, pid: 48213');
  });

  it('does not answer for a crash that was not an OOM kill', async () => {
    const crash = loadReport('crashloop-go-panic');
    expect(await oomRule.diagnose(contextFor(crash))).toBeNull();
  });

  it('answers for a CrashLoopBackOff whose last termination was OOMKilled', async () => {
    const looping = withReport(report, (copy) => {
      copy.failure.category = 'CrashLoopBackOff';
      copy.failure.reason = 'CrashLoopBackOff';
    });
    const diagnosis = await oomRule.diagnose(contextFor(looping));
    expect(diagnosis?.changes[0]?.value).toBe('512Mi');
  });
});
