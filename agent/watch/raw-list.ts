/**
 * List pages fetched as plain JSON. client-node's typed list calls run every object through its
 * ObjectSerializer, which for pods costs about 1 ms and a second full copy per object: at 10,000
 * pods that is seconds of CPU and hundreds of MB of transient heap, only to be projected down to
 * a few fields. Here the page is parsed once and handed over as is; authentication and TLS come
 * from the same KubeConfig (`applyToHTTPSOptions`), so every kubeconfig/in-cluster mode works.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ListPage } from './reflector.js';

export class ListError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export async function listPage(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | undefined>,
  timeoutMs = 60_000,
): Promise<ListPage> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster in the kubeconfig');
  const url = new URL(cluster.server.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  const options: RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
  await kc.applyToHTTPSOptions(options);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<ListPage>((resolve, reject) => {
    const request = send(url, { ...options, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) return reject(new ListError(status, `list ${path}: HTTP ${status} ${text.slice(0, 300)}`));
        try {
          const body = JSON.parse(text) as { items?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } };
          resolve({ items: body.items ?? [], metadata: { resourceVersion: body.metadata?.resourceVersion, _continue: body.metadata?.continue } });
        } catch (error) {
          reject(error);
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`list ${path} timed out`)));
    request.on('error', reject);
    request.end();
  });
}
