// Webhook signatures: HMAC-SHA256 over "<timestamp>.<raw body>" keyed with the subscription's secret.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does to check a delivery (the README shows the same in a few lines). */
export function verifySignature(secret: string, timestamp: string, body: string, given: string): boolean {
  const expected = Buffer.from(signature(secret, timestamp, body));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
