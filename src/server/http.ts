/** Small helpers for the plain Node handlers Probot's `addHandler` accepts. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface FieldProblem {
  path: string;
  message: string;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): true {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return true;
}

export function sendError(res: ServerResponse, status: number, error: string, fields: FieldProblem[] = []): true {
  return sendJson(res, status, { error, fields });
}

/** The request path without its query string. */
export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`body exceeds ${limit} bytes`);
  }
}

export class BodyTooSlowError extends Error {
  constructor(readonly deadlineMs: number) {
    super(`body not received within ${deadlineMs} ms`);
  }
}

/** A report of a megabyte arrives in well under a second; ten leave room for a slow link. */
export const DEFAULT_BODY_DEADLINE_MS = 10_000;

/**
 * Reads the raw body, giving up as soon as it passes `limit` bytes (no unbounded buffering) or
 * takes longer than `deadlineMs` in all: a client that trickles a byte every few seconds would
 * otherwise hold a connection, and the memory behind it, for as long as it likes.
 */
export async function readBody(req: IncomingMessage, limit: number, deadlineMs = DEFAULT_BODY_DEADLINE_MS): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    req.destroy(new BodyTooSlowError(deadlineMs));
  }, deadlineMs);
  try {
    for await (const chunk of req) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buffer.length;
      if (size > limit) throw new BodyTooLargeError(limit);
      chunks.push(buffer);
    }
  } catch (error) {
    throw late ? new BodyTooSlowError(deadlineMs) : error;
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks);
}

/** Bounds of the whole HTTP server (Node's defaults are 60 s for headers and 5 min per request). */
export interface ServerTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

const boundedServers = new WeakSet<Server>();

/**
 * Applies `timeouts` to the server Probot created (it exposes no options for them) when the
 * first request reaches one of KubeCure's routes (the health probes arrive within seconds of
 * start). Node checks these bounds on every open connection, webhooks included, so a client
 * that sends headers or a body slowly is cut whatever route it aims at.
 */
export function boundingServer<Handler extends (req: IncomingMessage, res: ServerResponse) => Promise<boolean>>(
  handler: Handler,
  timeouts: ServerTimeouts = DEFAULT_SERVER_TIMEOUTS,
): Handler {
  return (async (req: IncomingMessage, res: ServerResponse) => {
    const server = (req.socket as { server?: Server } | undefined)?.server;
    if (server && !boundedServers.has(server)) {
      boundedServers.add(server);
      server.headersTimeout = timeouts.headersTimeoutMs;
      server.requestTimeout = timeouts.requestTimeoutMs;
    }
    return handler(req, res);
  }) as Handler;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
