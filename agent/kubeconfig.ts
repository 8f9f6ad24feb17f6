/**
 * Where the agent finds the API server, in this order: an explicit URL + token
 * (`KUBECURE_KUBE_API_URL`, for tests and local runs against a proxy), `KUBECONFIG`,
 * `~/.kube/config`, then the in-cluster service account (its token re-read by client-node as it
 * rotates). Unlike client-node's `loadFromDefault`, a search that finds nothing is an error naming
 * what is missing: falling back to `http://localhost:8080` inside a pod only produces a misleading
 * TLS or connection error, forever.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { ConfigError } from './config.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubeConfigSource {
  apiUrl?: string | undefined;
  token?: string | undefined;
  /** The environment and file locations to search (tests point them at temporary directories). */
  env?: Record<string, string | undefined>;
  home?: string;
  /** Prefix of the in-cluster service-account paths (client-node's `pathPrefix`). */
  root?: string;
}

export function makeKubeConfig(source: KubeConfigSource): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (source.apiUrl) {
    // client-node refuses plain http unless TLS verification is off; an explicit URL is trusted as given.
    kc.loadFromClusterAndUser(
      { name: 'explicit', server: source.apiUrl, skipTLSVerify: source.apiUrl.startsWith('http://') },
      { name: 'explicit', ...(source.token ? { token: source.token } : {}) },
    );
    return kc;
  }
  const env = source.env ?? process.env;

  const kubeconfigFiles = (env.KUBECONFIG ?? '').split(delimiter).filter((file) => file.length > 0);
  if (kubeconfigFiles.length > 0) {
    const missing = kubeconfigFiles.find((file) => !existsSync(file));
    if (missing) throw new ConfigError(`KUBECONFIG names "${missing}", which does not exist`);
    return loaded(kc, 'KUBECONFIG', () => {
      kc.loadFromFile(kubeconfigFiles[0]!);
      for (const file of kubeconfigFiles.slice(1)) {
        const more = new k8s.KubeConfig();
        more.loadFromFile(file);
        kc.mergeConfig(more);
      }
    });
  }

  const homeConfig = join(source.home ?? homedir(), '.kube', 'config');
  if (existsSync(homeConfig)) return loaded(kc, homeConfig, () => kc.loadFromFile(homeConfig));

  if (env.KUBERNETES_SERVICE_HOST) {
    const root = source.root ?? '';
    const dir = `${root}${SERVICE_ACCOUNT_DIR}`;
    for (const file of ['token', 'ca.crt']) {
      if (!existsSync(join(dir, file))) {
        throw new ConfigError(
          `running in a cluster (KUBERNETES_SERVICE_HOST is set) but the service account ${file} is missing at ${join(dir, file)}: ` +
            'mount the ServiceAccount token (automountServiceAccountToken: true) or set KUBECURE_KUBE_API_URL',
        );
      }
    }
    if (!env.KUBERNETES_SERVICE_PORT) throw new ConfigError('KUBERNETES_SERVICE_HOST is set but KUBERNETES_SERVICE_PORT is not');
    // client-node builds the in-cluster config from these same variables and the fixed paths.
    return loaded(kc, 'the in-cluster service account', () => kc.loadFromCluster(root));
  }

  throw new ConfigError(
    'no Kubernetes API server configured: set KUBECONFIG, provide ~/.kube/config, run in a cluster with a ServiceAccount, or set KUBECURE_KUBE_API_URL',
  );
}

function loaded(kc: k8s.KubeConfig, from: string, load: () => void): k8s.KubeConfig {
  try {
    load();
  } catch (error) {
    throw new ConfigError(`cannot load the Kubernetes configuration from ${from}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!kc.getCurrentCluster()) throw new ConfigError(`the Kubernetes configuration from ${from} has no current cluster (check current-context)`);
  return kc;
}
