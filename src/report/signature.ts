/**
 * The signature scheme between agent and App. The agent signs
 * `<timestamp>.<delivery id>.<raw body>` with the cluster's secret (HMAC-SHA256); the App
 * recomputes it over the exact bytes it received, rejects timestamps outside a tolerance window,
 * and remembers delivery ids so a captured request cannot be replayed.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADERS = {
  cluster: 'x-kubecure-cluster',
  timestamp: 'x-kubecure-timestamp',
  delivery: 'x-kubecure-delivery',
  signature: 'x-kubecure-signature',
} as const;

const SIGNATURE_PREFIX = 'sha256=';

/** The shortest cluster secret the App accepts, and so the shortest the agent starts with. */
export const MIN_CLUSTER_SECRET_LENGTH = 16;

export function computeSignature(secret: string, timestamp: string, deliveryId: string, body: string | Buffer): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.${deliveryId}.`);
  hmac.update(body);
  return SIGNATURE_PREFIX + hmac.digest('hex');
}

/** Headers for one signed delivery of `body`. */
export function signRequest(
  cluster: string,
  secret: string,
  body: string,
  now: Date = new Date(),
  deliveryId: string = randomUUID(),
): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    [SIGNATURE_HEADERS.cluster]: cluster,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.delivery]: deliveryId,
    [SIGNATURE_HEADERS.signature]: computeSignature(secret, timestamp, deliveryId, body),
  };
}

/** Constant-time comparison of a received signature with the expected one. */
export function signatureMatches(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing-signature' | 'bad-signature' | 'bad-timestamp' | 'stale-timestamp' | 'bad-delivery' };

/** Delivery ids become part of the signed material and of replay-store keys: keep them plain. */
const DELIVERY_ID = /^[A-Za-z0-9_-]{8,128}$/;

/** Checks the signature and the timestamp's freshness; replay of the delivery id is the caller's store. */
export function verifySignature(input: {
  secret: string;
  body: string | Buffer;
  timestamp: string | undefined;
  deliveryId: string | undefined;
  signature: string | undefined;
  now?: Date;
  toleranceSeconds?: number;
}): SignatureCheck {
  const { secret, body, timestamp, deliveryId, signature } = input;
  if (!signature || !timestamp || !deliveryId) return { ok: false, reason: 'missing-signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
  if (!DELIVERY_ID.test(deliveryId)) return { ok: false, reason: 'bad-delivery' };
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (input.toleranceSeconds ?? 300)) {
    return { ok: false, reason: 'stale-timestamp' };
  }
  const expected = computeSignature(secret, timestamp, deliveryId, body);
  return signatureMatches(expected, signature) ? { ok: true } : { ok: false, reason: 'bad-signature' };
}
