// Webhook signatures. Standard Webhooks: webhook-signature "v1,<base64>" is an HMAC-SHA256 over "<id>.<timestamp>.<raw
// body>" keyed with the 32 bytes of the "whsec_" secret. The pre-standard header (HMAC over "<timestamp>.<body>"
// keyed with the secret's text) goes on beside it for a while for subscriptions made before the standard.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** The three Standard Webhooks headers of one attempt; the id stays the same across retries of a message. */
export function standardHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': new Webhook(secret).sign(id, new Date(timestampSeconds * 1000), body),
  };
}

/**
 * "sha256=<hex>": an HMAC-SHA256 over "<timestamp>.<body>" keyed with the secret's text. The pre-standard
 * X-Status-Signature of webhooks, and what probe agents sign their batches with.
 */
export function timestampSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver of a timestamp signature does to check it. */
export function verifyTimestampSignature(secret: string, timestamp: string, body: string, given: string): boolean {
  const expected = Buffer.from(timestampSignature(secret, timestamp, body));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
