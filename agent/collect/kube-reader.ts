/**
 * The reads the collector makes, behind one small interface so each step is testable and the
 * HTTP specifics stay in one place. Everything returns plain JSON.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { getText } from '../watch/raw-list.js';

export type Json = Record<string, any>;

export interface KubeReader {
  getPod(namespace: string, name: string): Promise<Json>;
  podLog(request: { namespace: string; name: string; container: string; previous: boolean; limitBytes: number; tailLines: number }): Promise<string>;
  podEvents(namespace: string, name: string): Promise<Json[]>;
  /** Any namespaced object of a named API group (`apps/v1`, `argoproj.io/v1alpha1`…). */
  getObject(apiVersion: string, plural: string, namespace: string, name: string): Promise<Json>;
  listServices(namespace: string): Promise<Json[]>;
}

/** The HTTP status of a failed read: `statusCode` of a `ListError` or a watch, or a client-node `code`. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

const segment = encodeURIComponent;

/**
 * Plain GETs through the same KubeConfig as the watches (every kubeconfig and in-cluster mode):
 * client-node's typed API classes would pull its whole generated model into the agent's bundle
 * and heap, and convert every answer to objects with Date fields only to be turned back to JSON.
 */
export function createKubeReader(kc: KubeConfig): KubeReader {
  const json = async (path: string, query?: Record<string, string | number | boolean | undefined>) => JSON.parse(await getText(kc, path, query, 30_000)) as Json;
  const pods = (namespace: string) => `/api/v1/namespaces/${segment(namespace)}/pods`;
  return {
    async getPod(namespace, name) {
      return json(`${pods(namespace)}/${segment(name)}`);
    },
    async podLog({ namespace, name, container, previous, limitBytes, tailLines }) {
      return getText(kc, `${pods(namespace)}/${segment(name)}/log`, { container, previous, limitBytes, tailLines }, 30_000);
    },
    async podEvents(namespace, name) {
      const list = await json(`/api/v1/namespaces/${segment(namespace)}/events`, { fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${name}` });
      return (list.items ?? []) as Json[];
    },
    async getObject(apiVersion, plural, namespace, name) {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      if (!group || !version) throw new Error(`core-group owners are not followed (${apiVersion} ${plural})`);
      return json(`/apis/${segment(group)}/${segment(version)}/namespaces/${segment(namespace)}/${segment(plural)}/${segment(name)}`);
    },
    async listServices(namespace) {
      const list = await json(`/api/v1/namespaces/${segment(namespace)}/services`);
      return (list.items ?? []) as Json[];
    },
  };
}
