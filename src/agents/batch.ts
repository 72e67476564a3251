// A probe agent's batch of results as it travels to the site: its JSON shape (zod), its signing headers, and the
// limits both sides keep. Signed like our webhooks: HMAC-SHA256 over "<timestamp>.<raw body>" with the agent's key.
import * as z from 'zod';
import { regionName } from '../config.ts';
import { PROBE_OUTCOMES } from '../domain.ts';
import { timestampSignature } from '../notify/signature.ts';

export const AGENT_RESULTS_PATH = '/api/v1/agents/results';
export const REGION_HEADER = 'x-agent-region';
export const TIMESTAMP_HEADER = 'x-agent-timestamp';
export const SIGNATURE_HEADER = 'x-agent-signature';

/** A signed batch is accepted this long either side of the site's clock; a repeat within it is a replay. */
export const REPLAY_WINDOW_MS = 5 * 60 * 1000;
/** Results in one batch at most; an agent sends its buffer in batches of this size, oldest first. */
export const MAX_BATCH_RESULTS = 200;
/** Bytes of one batch at most (200 results with their details fit in about 100 KiB). */
export const MAX_BATCH_BYTES = 256 * 1024;
/** How old a buffered result may be and still be taken (the site keeps probe results 30 days). */
export const MAX_RESULT_AGE_MS = 7 * 24 * 60 * 60 * 1000;

const ms = z.number().int().min(0).max(600_000).nullable();

export const AgentResult = z
  .object({
    /** Unique within the agent's region: the site counts a result once whatever the retries. */
    id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, { error: '8 to 64 letters, digits, dashes or underscores' }),
    provider: z.string().min(1).max(100),
    at: z.number().int().positive(),
    outcome: z.enum(PROBE_OUTCOMES),
    httpStatus: z.number().int().min(100).max(599).nullable(),
    latencyMs: ms,
    dnsMs: ms,
    connectMs: ms,
    tlsMs: ms,
    ttfbMs: ms,
    detail: z.string().max(500).nullable(),
  })
  .strict();
export type AgentResult = z.infer<typeof AgentResult>;

export const AgentBatch = z
  .object({
    region: regionName,
    /** Results the agent's buffer dropped so far because it was full (said, never silent). */
    dropped: z.number().int().min(0).default(0),
    results: z.array(AgentResult).min(1).max(MAX_BATCH_RESULTS),
  })
  .strict();
export type AgentBatch = z.infer<typeof AgentBatch>;

/** The headers that sign `body` for `region` at `timestampSeconds`. */
export function signedHeaders(region: string, key: string, body: string, timestampSeconds: number) {
  const timestamp = String(timestampSeconds);
  return {
    'content-type': 'application/json',
    [REGION_HEADER]: region,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: timestampSignature(key, timestamp, body),
  };
}
