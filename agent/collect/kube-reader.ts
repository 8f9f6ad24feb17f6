/**
 * The reads the collector makes, behind one small interface so each step is testable and the
 * client-node specifics (object-parameter calls, ApiException codes, typed objects with Date
 * fields) stay in one place. Everything returns plain JSON.
 */
import * as k8s from '@kubernetes/client-node';

export type Json = Record<string, any>;

export interface KubeReader {
  getPod(namespace: string, name: string): Promise<Json>;
  podLog(request: { namespace: string; name: string; container: string; previous: boolean; limitBytes: number; tailLines: number }): Promise<string>;
  podEvents(namespace: string, name: string): Promise<Json[]>;
  /** Any namespaced object of a named API group (`apps/v1`, `argoproj.io/v1alpha1`…). */
  getObject(apiVersion: string, plural: string, namespace: string, name: string): Promise<Json>;
  listServices(namespace: string): Promise<Json[]>;
}

/** `statusCode` of a client-node failure: ApiException `code`, or a watch/fetch `statusCode`. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

/** Typed client objects carry Date instances; one JSON round trip makes them plain API JSON. */
function plain<T>(value: T): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

export function createKubeReader(kc: k8s.KubeConfig): KubeReader {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  return {
    async getPod(namespace, name) {
      return plain(await core.readNamespacedPod({ namespace, name }));
    },
    async podLog({ namespace, name, container, previous, limitBytes, tailLines }) {
      return core.readNamespacedPodLog({ namespace, name, container, previous, limitBytes, tailLines });
    },
    async podEvents(namespace, name) {
      const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${name}` });
      return list.items.map(plain);
    },
    async getObject(apiVersion, plural, namespace, name) {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      if (!group || !version) throw new Error(`core-group owners are not followed (${apiVersion} ${plural})`);
      return (await custom.getNamespacedCustomObject({ group, version, namespace, plural, name })) as Json;
    },
    async listServices(namespace) {
      const list = await core.listNamespacedService({ namespace });
      return list.items.map(plain);
    },
  };
}
