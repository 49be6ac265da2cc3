import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a webhook's signature: `t=<unix seconds>, v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'X-Bulkhead-Signature';

/** HMAC-SHA256 of `${timestamp}.${body}` under `secret`, in hex. The timestamp is part of what is signed, so a captured request cannot be replayed later with a new time. */
function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The signature header's value for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp}, v1=${signatureOf(secret, timestamp, body)}`;
}

/**
 * Whether a signature header matches the body, and its time is within `toleranceSeconds` of `now` (unix
 * seconds). What a receiver does; Bulkhead's tests check its own deliveries with it.
 */
export function verifyWebhookSignature(secret: string, header: string, body: string, now: number, toleranceSeconds = 300): boolean {
  const parts = new Map(
    header.split(',').map((part) => {
      const [key, ...value] = part.trim().split('=');
      return [key, value.join('=')] as const;
    }),
  );
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(signatureOf(secret, timestamp, body), 'hex'));
}
