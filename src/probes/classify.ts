// Classifies one probe answer (or failure) from the HTTP door into a probe outcome with its timing and a short detail.
import type { ProbeOutcome } from '../domain.ts';
import type { HttpResult } from '../sources/http.ts';
import { signatureMismatch, type ProbeExpectation } from './signature.ts';

/** One classified attempt, before the baseline decides whether a normal rejection was slow. */
export type ProbeAttempt = {
  outcome: Exclude<ProbeOutcome, 'slow'>;
  httpStatus: number | null;
  latencyMs: number;
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  /** From the request sent (the connection ready) to the first byte of the answer. */
  ttfbMs: number | null;
  detail: string | null;
  retryAfterMs: number | null;
};

const EXCERPT_CHARS = 120;

/** A short, single-line excerpt of an upstream body, with anything that looks like an address masked. */
export function excerpt(body: string): string {
  const line = body
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, '<address>');
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line || '(empty body)';
}

const FAILURE_OUTCOMES = {
  timeout: 'timeout',
  dns: 'dns_error',
  tls: 'tls_error',
  network: 'connection_error',
} as const;

/**
 * Null when the attempt says nothing about the provider: cancelled by our shutdown, or refused by our own address
 * rules (a fact about our configuration, never a provider failure).
 */
export function classifyProbe(expect: ProbeExpectation, result: HttpResult): ProbeAttempt | null {
  const t = result.timing;
  const setup = [t.dnsMs, t.connectMs, t.tlsMs].reduce<number>((sum, ms) => sum + (ms ?? 0), 0);
  const base = {
    httpStatus: result.status,
    latencyMs: t.totalMs,
    dnsMs: t.dnsMs,
    connectMs: t.connectMs,
    tlsMs: t.tlsMs,
    ttfbMs: t.headersMs === null ? null : Math.max(0, t.headersMs - setup),
    retryAfterMs: result.retryAfterMs,
  };
  if (!result.ok) {
    if (result.kind === 'aborted' || result.kind === 'blocked') return null;
    if (result.kind in FAILURE_OUTCOMES) {
      return {
        ...base,
        outcome: FAILURE_OUTCOMES[result.kind as keyof typeof FAILURE_OUTCOMES],
        detail: result.detail,
      };
    }
    // An answer came but could not be taken in (too large, undecodable, redirected away): not the usual rejection.
    const expected = result.status !== null && expect.statuses.includes(result.status);
    return { ...base, outcome: expected ? 'unexpected_body' : 'unexpected_status', detail: result.detail };
  }
  if (!expect.statuses.includes(result.status)) {
    const why =
      result.status >= 200 && result.status < 300
        ? 'our invalid key was accepted'
        : `expected ${expect.statuses.join(' or ')}`;
    return { ...base, outcome: 'unexpected_status', detail: `HTTP ${result.status} (${why}): ${excerpt(result.body)}` };
  }
  const mismatch = signatureMismatch(expect, result.body);
  if (mismatch !== null) return { ...base, outcome: 'unexpected_body', detail: `${mismatch}: ${excerpt(result.body)}` };
  return { ...base, outcome: 'rejected_as_expected', detail: null };
}
