// Secrets of subscriptions: long random tokens, and the sha256 hashes the database keeps instead of them.
import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** A Standard Webhooks signing secret: "whsec_" and 32 random bytes in base64 (what its verifiers decode). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** An address's hash: the same for any spelling of its case. */
export const hashAddress = (address: string): string => hashToken(address.trim().toLowerCase());
