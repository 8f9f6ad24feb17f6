import { describe, expect, it } from 'vitest';
import { configReferenceRule } from '../../../src/diagnose/rules/config-reference.js';
import { damerauLevenshtein, isNearName, uniqueNearName } from '../../../src/diagnose/rules/name-similarity.js';
import { contextFor, loadReport, unquotedEvidence, withReport } from '../support.js';

const STOREFRONT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
  namespace: shop
spec:
  selector:
    matchLabels: {app: storefront}
  template:
    metadata:
      labels: {app: storefront}
    spec:
      containers:
        - name: storefront
          image: ghcr.io/acme/storefront:3.1.0
          env:
            - name: LOG_LEVEL
              value: info
          envFrom:
            - configMapRef:
                name: app-confg
`;
const configMap = (name: string, namespace = 'shop') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  FEATURE_FLAGS: "checkout-v2"\n`;
const AT: [string, string, string] = ['apps/storefront/deployment.yaml', 'Deployment', 'storefront'];

describe('a missing ConfigMap', () => {
  const report = loadReport('configmap-name-typo');

  it('corrects a reference that is one typo away from a ConfigMap declared in the namespace', async () => {
    const files = { 'apps/storefront/deployment.yaml': STOREFRONT, 'apps/storefront/configmap.yaml': configMap('app-config') };
    const diagnosis = await configReferenceRule.diagnose(contextFor(report, { files, at: AT }));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'config-reference', container: 'storefront', path: ['envFrom', 0, 'configMapRef', 'name'], value: 'app-config', previous: 'app-confg' },
    ]);
    expect(diagnosis?.confidence).toBeGreaterThanOrEqual(80);
    expect(diagnosis?.evidence).toEqual(['configmap "app-confg" not found']);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('does not choose between two near-identical names', async () => {
    const files = {
      'apps/storefront/deployment.yaml': STOREFRONT,
      'apps/storefront/configmap.yaml': `${configMap('app-config')}---\n${configMap('app-conf')}`,
    };
    const diagnosis = await configReferenceRule.diagnose(contextFor(report, { files, at: AT }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.confidence).toBeLessThan(80);
  });

  it('ignores a near-identical ConfigMap of another namespace', async () => {
    const files = { 'apps/storefront/deployment.yaml': STOREFRONT, 'apps/storefront/configmap.yaml': configMap('app-config', 'staging') };
    const diagnosis = await configReferenceRule.diagnose(contextFor(report, { files, at: AT }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.question).toMatch(/never creates/);
  });

  it('says the object is declared but not applied when the repository has the exact name', async () => {
    const files = { 'apps/storefront/deployment.yaml': STOREFRONT, 'apps/storefront/configmap.yaml': configMap('app-confg') };
    const diagnosis = await configReferenceRule.diagnose(contextFor(report, { files, at: AT }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.rootCause).toMatch(/not synced/);
  });

  it('matches names produced by a kustomize configMapGenerator with a name prefix', async () => {
    const deployment = STOREFRONT.replace(
      '          envFrom:\n            - configMapRef:\n                name: app-confg\n',
      '            - name: FEATURE_FLAGS\n              valueFrom:\n                configMapKeyRef:\n                  name: store-setings\n                  key: FEATURE_FLAGS\n',
    );
    const files = {
      'apps/storefront/deployment.yaml': deployment,
      'apps/storefront/kustomization.yaml':
        'namespace: shop\nnamePrefix: store-\nresources: [deployment.yaml]\nconfigMapGenerator:\n  - name: settings\n    envs: [settings.env]\n',
      'apps/storefront/settings.env': 'FEATURE_FLAGS=checkout-v2\n',
    };
    const typo = withReport(report, (copy) => {
      copy.failure.message = 'configmap "store-setings" not found';
      copy.events[0]!.message = 'Error: configmap "store-setings" not found';
    });
    const diagnosis = await configReferenceRule.diagnose(contextFor(typo, { files, at: AT }));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'config-reference', container: 'storefront', path: ['env', 'FEATURE_FLAGS', 'valueFrom', 'configMapKeyRef', 'name'], value: 'store-settings', previous: 'store-setings' },
    ]);
    expect(diagnosis?.rationale).toContain('store-settings');
  });
});

describe('a missing Secret or key', () => {
  const inventory = `apiVersion: apps/v1
kind: Deployment
metadata: {name: inventory, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: inventory
          image: ghcr.io/acme/inventory:1.4.0
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: db-credentials, key: DB_PASSWROD}
`;
  const at: [string, string, string] = ['apps/inventory/deployment.yaml', 'Deployment', 'inventory'];

  it('corrects a misspelled key of a SealedSecret the repository declares, without reading values', async () => {
    const report = loadReport('secret-key-typo');
    const files = {
      'apps/inventory/deployment.yaml': inventory,
      'apps/inventory/sealed-secret.yaml':
        'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: db-credentials, namespace: shop}\nspec:\n  encryptedData:\n    DB_PASSWORD: AgBy3i4OJSWK+PiTySYZZA==\n    DB_USER: AgC9fQ==\n',
    };
    const diagnosis = await configReferenceRule.diagnose(contextFor(report, { files, at }));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'config-reference', container: 'inventory', path: ['env', 'DB_PASSWORD', 'valueFrom', 'secretKeyRef', 'key'], value: 'DB_PASSWORD', previous: 'DB_PASSWROD' },
    ]);
    expect(diagnosis?.confidence).toBeGreaterThanOrEqual(80);
    expect(JSON.stringify(diagnosis)).not.toContain('AgBy3i4OJSWK');
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });

  it('asks when the Secret is not declared in the repository', async () => {
    const report = loadReport('secret-key-typo');
    const diagnosis = await configReferenceRule.diagnose(contextFor(report, { files: { 'apps/inventory/deployment.yaml': inventory }, at }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.question).toMatch(/DB_PASSWROD/);
  });

  it('fixes a volume secretName (a pod-level field) against the SealedSecret\'s target name', async () => {
    const report = loadReport('failedmount-secret-typo');
    const files = {
      'apps/gateway/sealed-tls.yaml':
        'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: gateway-tls-sealed, namespace: shop}\nspec:\n  template:\n    metadata: {name: web-tls}\n  encryptedData: {tls.crt: AgA=, tls.key: AgB=}\n',
    };
    const diagnosis = await configReferenceRule.diagnose(contextFor(report, { files }));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'config-reference', container: null, path: ['volumes', 0, 'secret', 'secretName'], value: 'web-tls', previous: 'web-tsl' },
    ]);
    expect(diagnosis?.evidence).toEqual(['MountVolume.SetUp failed for volume "tls" : secret "web-tsl" not found']);
  });

  it('recognises an ExternalSecret\'s target as a declared Secret', async () => {
    const report = loadReport('failedmount-secret-typo');
    const files = {
      'apps/gateway/external-secret.yaml':
        'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata: {name: gateway-tls, namespace: shop}\nspec:\n  target: {name: web-tls}\n  data:\n    - secretKey: tls.crt\n      remoteRef: {key: gateway/tls}\n',
    };
    const diagnosis = await configReferenceRule.diagnose(contextFor(report, { files }));
    expect(diagnosis?.changes[0]?.value).toBe('web-tls');
  });

  it('never creates the Secret or marks the reference optional when nothing matches', async () => {
    const report = loadReport('failedmount-secret-typo');
    const diagnosis = await configReferenceRule.diagnose(contextFor(report, { files: {} }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.question).toMatch(/never creates Secrets/);
  });
});

describe('a missing key of a mounted volume', () => {
  const line = 'MountVolume.SetUp failed for volume "nginx-conf" : configmap references non-existent config key: nginx.cnf';
  const report = withReport(loadReport('failedmount-secret-typo'), (copy) => {
    copy.failure.message = line;
    copy.events = [{ type: 'Warning', reason: 'FailedMount', message: line, count: 4, involvedObject: { kind: 'Pod', name: copy.pod.name } }];
  });
  const gateway = `apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: gateway
          image: ghcr.io/acme/gateway:2.0.0
      volumes:
        - name: tls
          secret: {secretName: web-tls}
        - name: nginx-conf
          configMap:
            name: gateway-nginx
            items:
              - {key: mime.types, path: mime.types}
              - {key: nginx.cnf, path: nginx.conf}
`;
  const at: [string, string, string] = ['apps/gateway.yaml', 'Deployment', 'gateway'];

  it('corrects the item key against the ConfigMap\'s declared keys', async () => {
    const files = {
      'apps/gateway.yaml': gateway,
      'apps/gateway-nginx.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gateway-nginx, namespace: shop}\ndata:\n  nginx.conf: "events {}"\n  mime.types: "types {}"\n',
    };
    const diagnosis = await configReferenceRule.diagnose(contextFor(report, { files, at }));
    expect(diagnosis?.changes).toEqual([
      { fixKind: 'config-reference', container: null, path: ['volumes', 1, 'configMap', 'items', 1, 'key'], value: 'nginx.conf', previous: 'nginx.cnf' },
    ]);
    expect(diagnosis?.evidence).toEqual([line]);
  });

  it('asks when the ConfigMap is not in the repository', async () => {
    const diagnosis = await configReferenceRule.diagnose(contextFor(report, { files: { 'apps/gateway.yaml': gateway }, at }));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.question).toContain('nginx.cnf');
  });
});

describe('runAsNonRoot', () => {
  it('opens an issue and never touches securityContext', async () => {
    const report = loadReport('run-as-non-root');
    const diagnosis = await configReferenceRule.diagnose(contextFor(report));
    expect(diagnosis?.changes).toEqual([]);
    expect(diagnosis?.question).toMatch(/never changes securityContext/);
    expect(unquotedEvidence(diagnosis!, report)).toEqual([]);
  });
});

describe('near-identical names', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(damerauLevenshtein('app-cnofig', 'app-config')).toBe(1);
    expect(damerauLevenshtein('web-tsl', 'web-tls')).toBe(1);
    expect(damerauLevenshtein('kitten', 'sitting')).toBe(3);
  });

  it('treats separators and case as the same name', () => {
    expect(isNearName('APP_CONFIG', 'app-config')).toBe(true);
  });

  it('does not call short, different names typos', () => {
    expect(isNearName('db', 'mq')).toBe(false);
    expect(isNearName('redis', 'redis')).toBe(false);
  });

  it('returns a match only when it is the only one', () => {
    expect(uniqueNearName('app-confg', ['app-config', 'other'])).toBe('app-config');
    expect(uniqueNearName('app-confg', ['app-config', 'app-conf'])).toBeNull();
    expect(uniqueNearName('app-confg', [])).toBeNull();
  });
});
