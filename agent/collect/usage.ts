/** Current per-container usage from the metrics API (metrics-server), when it is installed. */
import type { KubeReader } from './kube-reader.js';

export interface ContainerUsage {
  name: string;
  cpu?: string;
  memory?: string;
}

export async function collectUsage(reader: KubeReader, namespace: string, pod: string): Promise<ContainerUsage[] | undefined> {
  try {
    const metrics = await reader.getObject('metrics.k8s.io/v1beta1', 'pods', namespace, pod);
    const containers: unknown[] = Array.isArray(metrics.containers) ? metrics.containers : [];
    return containers.flatMap((entry) => {
      const container = entry as { name?: unknown; usage?: { cpu?: unknown; memory?: unknown } };
      if (typeof container.name !== 'string') return [];
      return [
        {
          name: container.name,
          ...(typeof container.usage?.cpu === 'string' ? { cpu: container.usage.cpu } : {}),
          ...(typeof container.usage?.memory === 'string' ? { memory: container.usage.memory } : {}),
        },
      ];
    });
  } catch {
    return undefined;
  }
}
