/**
 * Where the agent finds the API server: an explicit URL + token when given (tests, local runs
 * against a proxy), otherwise the usual kubeconfig search, which ends with the in-cluster
 * service-account token (re-read by client-node as it rotates).
 */
import * as k8s from '@kubernetes/client-node';

export function makeKubeConfig(options: { apiUrl?: string | undefined; token?: string | undefined }): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (options.apiUrl) {
    // client-node refuses plain http unless TLS verification is off; an explicit URL is trusted as given.
    kc.loadFromClusterAndUser(
      { name: 'explicit', server: options.apiUrl, skipTLSVerify: options.apiUrl.startsWith('http://') },
      { name: 'explicit', ...(options.token ? { token: options.token } : {}) },
    );
    return kc;
  }
  kc.loadFromDefault();
  return kc;
}
