// POST /api/v1/agents/results: probe agents push their regions' results here. A batch must be signed with its
// region's key (AGENT_KEYS) within the replay window; it is refused whole, changing nothing, when anything is wrong.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AGENT_RESULTS_PATH,
  AgentBatch,
  MAX_BATCH_BYTES,
  MAX_RESULT_AGE_MS,
  REGION_HEADER,
  REPLAY_WINDOW_MS,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from '../../agents/batch.ts';
import { verifyTimestampSignature } from '../../notify/signature.ts';
import type { WebDeps } from '../http/deps.ts';
import { BadRequest, parseOr400 } from '../http/problems.ts';

/** Signatures seen within the replay window, at most this many (older ones expire first). */
const MAX_REMEMBERED = 100_000;
/** A result may be stamped this far ahead of the site's clock (clocks drift a little). */
const FUTURE_SLACK_MS = 60_000;

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

export async function agentsApi(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, config, store, now } = deps;
  // On one node this stops a replay outright; across nodes the results' ids still make a replay count for nothing.
  const seen = new Map<string, number>();
  const remember = (signature: string, at: number) => {
    for (const [key, expiresAt] of seen) {
      if (expiresAt > at && seen.size < MAX_REMEMBERED) break;
      seen.delete(key);
    }
    seen.set(signature, at + 2 * REPLAY_WINDOW_MS);
  };

  /** The region whose key signed this raw body, or a 4xx saying what is wrong. */
  function authenticate(request: FastifyRequest, body: string, at: number): { region: string; signature: string } {
    const region = header(request, REGION_HEADER);
    const timestamp = header(request, TIMESTAMP_HEADER);
    const signature = header(request, SIGNATURE_HEADER);
    if (!region || !timestamp || !signature)
      throw new BadRequest(
        `Unsigned batch: the ${[
          !region && REGION_HEADER,
          !timestamp && TIMESTAMP_HEADER,
          !signature && SIGNATURE_HEADER,
        ]
          .filter(Boolean)
          .join(', ')} header is missing.`,
        401,
      );
    const key = Object.hasOwn(config.agentKeys, region) ? config.agentKeys[region] : undefined;
    if (key === undefined) throw new BadRequest(`Region "${region.slice(0, 40)}" is not configured here.`, 403);
    if (!/^\d{1,12}$/.test(timestamp))
      throw new BadRequest(`The ${TIMESTAMP_HEADER} header must be Unix seconds.`, 401);
    if (Math.abs(at - Number(timestamp) * 1000) > REPLAY_WINDOW_MS)
      throw new BadRequest(
        `The batch's timestamp is more than ${REPLAY_WINDOW_MS / 60_000} minutes from our clock: replayed, or the ` +
          `agent's clock is wrong.`,
        401,
      );
    if (!verifyTimestampSignature(key, timestamp, body, signature))
      throw new BadRequest(`The signature does not match the body and timestamp for region ${region}.`, 401);
    if (seen.has(signature))
      throw new BadRequest('Replayed batch: this signed batch was already received (its results are counted).', 409);
    return { region, signature };
  }

  await app.register(async (scope) => {
    // The signature covers the raw bytes: the body is kept as text and parsed only once it is verified.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post<{ Body: string }>(AGENT_RESULTS_PATH, { bodyLimit: MAX_BATCH_BYTES }, async (request, reply) => {
      const at = now();
      const raw = typeof request.body === 'string' ? request.body : '';
      const { region, signature } = authenticate(request, raw, at);
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        throw new BadRequest('Malformed batch: the body is not JSON.');
      }
      const batch = parseOr400(AgentBatch, json, 'batch');
      if (batch.region !== region)
        throw new BadRequest(`The batch says region "${batch.region}" but is signed for region "${region}".`);
      const problems: string[] = [];
      for (const [i, r] of batch.results.entries()) {
        const provider = catalog.providerBySlug.get(r.provider);
        if (!provider) problems.push(`results.${i}.provider: we do not track a provider called "${r.provider}"`);
        else if (!provider.probe) problems.push(`results.${i}.provider: ${r.provider} has no probe`);
        if (r.at > at + FUTURE_SLACK_MS || r.at < at - MAX_RESULT_AGE_MS)
          problems.push(`results.${i}.at: not within the last ${MAX_RESULT_AGE_MS / 86_400_000} days`);
      }
      if (problems.length > 0) throw new BadRequest(`Invalid batch: ${problems.slice(0, 5).join('; ')}.`, 422);
      const counted = await store.probes.recordAgentResults(region, batch.results);
      remember(signature, at);
      if (batch.dropped > 0)
        request.log.warn({ region, dropped: batch.dropped }, 'probe agent dropped results while its buffer was full');
      request.log.debug({ region, ...counted }, 'probe agent results received');
      return reply
        .code(200)
        .header('cache-control', 'no-store')
        .send({ region, ...counted });
    });
  });
}
