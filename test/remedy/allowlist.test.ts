import { describe, expect, it } from 'vitest';
import type { FailureCategory } from '../../src/report/categories.js';
import { applyJsonPatchToText, type Operation } from '../../src/remedy/json-patch.js';
import { DEFAULT_POLICY } from '../../src/remedy/policy.js';
import { refusalReasons, type RepositoryFacts } from '../../src/remedy/allowlist.js';
import { validateEdits } from '../../src/remedy/validate.js';

const VALUES = 'image:\n  repository: ghcr.io/acme/api\n  tag: 1.4.0\nenv:\n  LOG_LEVEL: info\nresources:\n  limits:\n    memory: 256Mi\nlivenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080\n';
const RELEASE = `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: api\nspec:\n  values:\n${VALUES.replace(/^/gm, '    ').trimEnd()}\n`;
const JAVA = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  template:\n    spec:\n      containers:\n        - name: orders\n          image: ghcr.io/acme/orders:2.0.0\n          env:\n            - name: JAVA_OPTS\n              value: -Xmx256m -Dfile.encoding=UTF-8\n';
const FACTS: RepositoryFacts = { configMaps: new Set(), secrets: new Set(), images: new Set(['ghcr.io/acme/api-legacy:1.3.9']) };

function gate(category: FailureCategory, source: string, ops: Operation[], errorLines: string[] = []) {
  const after = applyJsonPatchToText(source, 0, ops);
  const result = validateEdits({ category, container: 'api', files: [{ file: 'values.yaml', before: source, after }], policy: DEFAULT_POLICY, facts: FACTS, errorLines });
  return { passed: result.checks.find((check) => check.name === 'policy')!.passed, reasons: refusalReasons(result) };
}

describe('the allowlist on values layers', () => {
  it.each([
    ['OOMKilled', [{ op: 'replace', path: '/resources/limits/memory', value: '512Mi' }]],
    ['ImagePullBackOff', [{ op: 'replace', path: '/image/tag', value: '1.3.9' }]],
    ['ProbeFailure', [{ op: 'replace', path: '/livenessProbe/httpGet/path', value: '/health' }]],
    ['CrashLoopBackOff', [{ op: 'replace', path: '/env/LOG_LEVEL', value: 'debug' }]],
  ] as Array<[FailureCategory, Operation[]]>)('lets a %s fix through: %j', (category, ops) => {
    expect(gate(category, VALUES, ops)).toEqual({ passed: true, reasons: [] });
  });

  it.each([
    ['CrashLoopBackOff', [{ op: 'add', path: '/env/LD_PRELOAD', value: '/tmp/x.so' }], 'runtime-injection-variable'],
    ['CrashLoopBackOff', [{ op: 'add', path: '/env/FEATURE_X', value: 'on' }], 'env-not-named'],
    ['CrashLoopBackOff', [{ op: 'add', path: '/nodeSelector', value: { env: 'prod' } }], 'scheduling-field'],
    ['ImagePullBackOff', [{ op: 'replace', path: '/image/repository', value: 'evil.example/api' }], 'image-repository-changed'],
    ['ProbeFailure', [{ op: 'add', path: '/livenessProbe/exec', value: { command: ['sh'] } }], 'exec-probe'],
    ['OOMKilled', [{ op: 'add', path: '/podAnnotations', value: { a: 'b' } }], 'not-allowlisted'],
    ['OOMKilled', [{ op: 'replace', path: '/image/tag', value: '1.5.0' }], 'not-allowlisted'],
  ] as Array<[FailureCategory, Operation[], string]>)('refuses a %s patch %j as %s', (category, ops, reason) => {
    expect(gate(category, VALUES, ops)).toEqual({ passed: false, reasons: [reason] });
  });

  it('moves an image to another repository only when the repository already deploys that exact reference', () => {
    const ops: Operation[] = [{ op: 'replace', path: '/image/repository', value: 'ghcr.io/acme/api-legacy' }, { op: 'replace', path: '/image/tag', value: '1.3.9' }];
    expect(gate('ImagePullBackOff', VALUES, ops).passed).toBe(true);
  });

  it('reads HelmRelease spec.values the same way', () => {
    expect(gate('OOMKilled', RELEASE, [{ op: 'replace', path: '/spec/values/resources/limits/memory', value: '512Mi' }]).passed).toBe(true);
    expect(gate('OOMKilled', RELEASE, [{ op: 'add', path: '/spec/interval', value: '1m' }]).reasons).toEqual(['not-allowlisted']);
  });

  it('adds a variable the container’s own error names', () => {
    expect(gate('CrashLoopBackOff', VALUES, [{ op: 'add', path: '/env/API_BASE', value: 'http://api' }], ['Error: environment variable API_BASE is not set']).passed).toBe(true);
  });
});

describe('heap size flags of a runtime variable', () => {
  it('may change only the heap flag of an existing JAVA_OPTS entry', () => {
    const raise: Operation[] = [{ op: 'replace', path: '/spec/template/spec/containers/0/env/0/value', value: '-Xmx512m -Dfile.encoding=UTF-8' }];
    const agent: Operation[] = [{ op: 'replace', path: '/spec/template/spec/containers/0/env/0/value', value: '-Xmx512m -javaagent:/tmp/a.jar -Dfile.encoding=UTF-8' }];
    const run = (ops: Operation[]) => {
      const result = validateEdits({ category: 'OOMKilled', container: 'orders', files: [{ file: 'd.yaml', before: JAVA, after: applyJsonPatchToText(JAVA, 0, ops) }], policy: DEFAULT_POLICY });
      return refusalReasons(result);
    };
    expect(run(raise)).toEqual([]);
    expect(run(agent)).toEqual(['runtime-injection-variable']);
  });
});
