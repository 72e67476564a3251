// `/mcp`: the MCP server (Streamable HTTP, stateless, read-only), its SDK loaded on the first request.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MINUTE_MS } from '../../time.ts';
import type { WebDeps } from '../http/deps.ts';
import type * as McpServerModule from './mcp-server.ts';

/** Stateless: no session to resume (GET) or end (DELETE), so every method but POST is refused as the spec allows. */
const refuse = (reply: FastifyReply) =>
  reply
    .code(405)
    .header('allow', 'POST')
    .header('cache-control', 'no-store')
    .send({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Method not allowed: this MCP server answers POST only.' },
      id: null,
    });

const ACCEPTS_JSON = /(^|,)\s*(\*\/\*|application\/(\*|json))\s*(;|,|$)/i;

export async function mcpApi(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { config, clientKeys, now } = deps;
  const siteOrigin = new URL(config.siteUrl).origin;
  let server: Promise<typeof McpServerModule> | undefined;
  const rateLimit = app.rateLimit({
    max: config.mcpRateLimitPerMinute,
    timeWindow: MINUTE_MS,
    keyGenerator: (request) => `mcp:${clientKeys.keyOf(request.ip, now())}`,
  });

  app.post('/mcp', { onRequest: [rateLimit] }, async (request, reply) => {
    const { handleMcp } = await (server ??= import('./mcp-server.ts'));
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === 'string') headers.set(name, value);
    // Answers are always JSON: a client that accepts JSON (no Accept, */*, curl's default) is served, not sent 406.
    if (ACCEPTS_JSON.test(headers.get('accept') ?? '*/*')) headers.set('accept', 'application/json, text/event-stream');
    const web = new Request(`${siteOrigin}${request.url}`, { method: 'POST', headers });
    const answer = await handleMcp(deps, web, request.body);
    reply.code(answer.status).header('cache-control', 'no-store');
    answer.headers.forEach((value, name) => {
      if (name !== 'content-length') reply.header(name, value);
    });
    const body = await answer.text();
    return reply.send(body === '' ? undefined : body);
  });
  app.route({
    method: ['GET', 'DELETE', 'PUT', 'PATCH'],
    url: '/mcp',
    onRequest: [rateLimit],
    config: { refusesMethod: true },
    handler: (_r, reply) => refuse(reply),
  });
}
