import { describe, expect, it } from 'vitest';
import { classifyChangedPath, DEFAULT_POLICY } from '../../src/remedy/policy.js';

const C = 'spec/template/spec/containers/0';
const split = (path: string) => path.split('/');

describe('classifyChangedPath', () => {
  it.each([
    [`${C}/resources/limits/memory`, 'resources'],
    [`${C}/resources/requests/cpu`, 'resources'],
    ['spec/jobTemplate/spec/template/spec/initContainers/0/resources/limits/memory', 'resources'],
    ['resources/limits/memory', 'resources'],
    ['spec/values/api/resources/limits/memory', 'resources'],
    [`${C}/image`, 'image'],
    ['image/tag', 'image'],
    ['api/image/tag', 'image'],
    ['spec/values/image/repository', 'image'],
    ['images/0/newTag', 'image'],
    [`${C}/imagePullPolicy`, 'image'],
    [`${C}/env/2/value`, 'env'],
    [`${C}/env/2`, 'env'],
    ['extraEnvs/0/name', 'env'],
    [`${C}/env/0/valueFrom/secretKeyRef/name`, 'config-reference'],
    [`${C}/env/0/valueFrom/configMapKeyRef/key`, 'config-reference'],
    [`${C}/envFrom/0/configMapRef/name`, 'config-reference'],
    ['spec/template/spec/volumes/0/configMap/name', 'config-reference'],
    ['spec/template/spec/volumes/1/secret/secretName', 'config-reference'],
    ['spec/template/spec/volumes/0/projected/sources/0/configMap/name', 'config-reference'],
    [`${C}/livenessProbe/httpGet/port`, 'probes'],
    [`${C}/readinessProbe`, 'probes'],
    ['api/startupProbe/failureThreshold', 'probes'],
    [`${C}/command/0`, 'command'],
    [`${C}/args/1`, 'command'],
    ['spec/template/spec/nodeSelector/disktype', 'scheduling'],
    ['spec/template/spec/nodeSelector/env', 'scheduling'],
    ['spec/template/spec/tolerations/0', 'scheduling'],
    ['spec/replicas', 'unknown'],
    ['spec/template/metadata/labels/app', 'unknown'],
  ])('classifies %s as %s', (path, expected) => {
    expect(classifyChangedPath(split(path))).toBe(expected);
  });

  it.each([
    `${C}/securityContext/privileged`,
    `${C}/securityContext`,
    'spec/template/spec/securityContext/runAsUser',
    `${C}/securityContext/capabilities/add/0`,
    `${C}/securityContext/allowPrivilegeEscalation`,
    'spec/template/spec/hostNetwork',
    'spec/template/spec/hostPID',
    'spec/template/spec/hostIPC',
    'spec/template/spec/hostAliases/0/ip',
    `${C}/ports/0/hostPort`,
    'spec/template/spec/volumes/2',
    'spec/template/spec/volumes/0/hostPath/path',
    'spec/template/spec/volumes/0/name',
    'spec/template/spec/volumes/0/configMap/defaultMode',
    'spec/template/spec/serviceAccountName',
    'spec/template/spec/serviceAccount',
    'spec/template/spec/automountServiceAccountToken',
    'serviceAccount/create',
    'podSecurityContext/runAsNonRoot',
    'rbac/create',
    'metadata/name',
    'metadata/namespace',
    'kind',
    'apiVersion',
    `${C}/name`,
    C,
    'spec/template/spec/containers/1',
    'spec/template/spec/initContainers/0',
    'rules/0/resources/1',
    'subjects/0/name',
    'roleRef/name',
  ])('forbids %s', (path) => {
    expect(classifyChangedPath(split(path))).toBe('forbidden');
  });

  it('forbids adding or removing a whole container list', () => {
    expect(classifyChangedPath(split('spec/template/spec/initContainers'), 'add')).toBe('forbidden');
    expect(classifyChangedPath(split('spec/template/spec/containers'), 'remove')).toBe('forbidden');
  });

  it('forbids the empty path (the whole document)', () => {
    expect(classifyChangedPath([])).toBe('forbidden');
  });
});

describe('DEFAULT_POLICY', () => {
  it('allows resources, image, env, probes and config references within 4Gi, 4 cpu and 2×', () => {
    expect(DEFAULT_POLICY).toEqual({
      allowedFixKinds: ['resources', 'image', 'env', 'probes', 'config-reference'],
      maxMemory: '4Gi',
      maxCpu: '4',
      maxIncreaseFactor: 2,
    });
  });
});
