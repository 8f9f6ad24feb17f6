/**
 * Reads from the API server as plain JSON (or text, for logs). List pages fetched as plain JSON. client-node's typed list calls run every object through its
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

/** A GET of `path`; resolves with the body of a 2xx answer, rejects with a `ListError` otherwise. */
export async function getText(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined> = {},
  timeoutMs = 60_000,
): Promise<string> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster in the kubeconfig');
  const url = new URL(cluster.server.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  const options: RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
  await kc.applyToHTTPSOptions(options);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<string>((resolve, reject) => {
    const request = send(url, { ...options, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) return reject(new ListError(status, `GET ${path}: HTTP ${status} ${text.slice(0, 300)}`));
        resolve(text);
      });
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out`)));
    request.on('error', reject);
    request.end();
  });
}

export async function listPage(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | undefined>,
  timeoutMs = 60_000,
): Promise<ListPage> {
  const body = JSON.parse(await getText(kc, path, query, timeoutMs)) as { items?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } };
  return { items: body.items ?? [], metadata: { resourceVersion: body.metadata?.resourceVersion, _continue: body.metadata?.continue } };
}
