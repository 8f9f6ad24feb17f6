/**
 * `/healthz` (the process answers), `/readyz` (every watch has listed once and its API server
 * still answers) and `/metrics`. Each answer is computed from in-memory state without I/O, so the
 * probes answer in milliseconds whatever the backlog.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthServerOptions {
  port: number;
  host?: string;
  isReady(): boolean;
  registry: Registry;
  /** Called before each scrape so gauges (pods cached, outbox depth) are current. */
  beforeScrape?(): void;
}

export async function startHealthServer(options: HealthServerOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else if (path === '/readyz') {
      const ready = options.isReady();
      response.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready' : 'watches not synced');
    } else if (path === '/metrics') {
      options.beforeScrape?.();
      options.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    } else {
      response.writeHead(404).end();
    }
  });
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    // A port in use must reach the caller as an error it can log, not as an uncaught 'error' event.
    const failed = (error: NodeJS.ErrnoException) => reject(new ListenError(host, options.port, error));
    server.once('error', failed);
    server.listen(options.port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export class ListenError extends Error {
  readonly code: string | undefined;

  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const why = cause.code === 'EADDRINUSE' ? 'the address is already in use' : cause.code === 'EADDRNOTAVAIL' ? 'the address is not on this host' : cause.message;
    super(`cannot serve health endpoints on ${host}:${port} (KUBECURE_BIND_ADDRESS, KUBECURE_PORT): ${why}`);
    this.code = cause.code;
  }
}
