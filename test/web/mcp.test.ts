// The MCP server at /mcp, driven by the official SDK client over real HTTP on loopback: its tools answer what the
// JSON API answers, refuse unknown names, and the transport's other methods answer 405 in stateless mode.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, textOf, type Harness } from '../helpers/app.ts';
import { recordIncident, recordOfficial, recordProbes } from '../helpers/signals.ts';

let h: Harness;
let base: string;
let client: Client;

beforeAll(async () => {
  h = await createHarness({ env: { MCP_RATE_LIMIT_PER_MINUTE: '1000' } });
  const at = h.clock.now;
  await recordOfficial(h.store, 'anthropic', at, { API: 'major_outage', Console: 'operational' });
  await recordProbes(h.store, 'anthropic', at, h.config.probeIntervalMs, 'failing');
  await recordIncident(h.store, 'anthropic', at, 'Elevated errors on Claude Opus');
  await recordOfficial(h.store, 'openai', at);
  await recordProbes(h.store, 'openai', at, h.config.probeIntervalMs, 'healthy');
  base = await h.app.listen({ host: '127.0.0.1', port: 0 });
  client = new Client({ name: 'test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
}, 60_000);

afterAll(async () => {
  await client?.close();
  await h?.close();
});

const call = async (name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;
const toolText = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const json = async (path: string) => (await fetch(`${base}${path}`)).json() as Promise<Record<string, unknown>>;

describe('the MCP server', () => {
  it('lists its four read-only tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['diagnose', 'get_error_verdict', 'get_status', 'list_incidents']);
    for (const t of tools) expect(t.annotations?.readOnlyHint).toBe(true);
  });

  it('gives the same level and verdict as the JSON API and the error page, with each signal’s age', async () => {
    const result = await call('get_error_verdict', { provider: 'anthropic', error: 'overloaded' });
    expect(result.isError).toBeFalsy();
    const api = await json('/api/v1/providers/anthropic/errors/overloaded');
    const s = result.structuredContent as Record<string, unknown> & { signals: Record<string, { ageSeconds: number }> };
    expect(s.verdict).toBe(api.verdict);
    expect(s.verdict).toBe('provider_side');
    expect(s.level).toBe(api.level);
    expect(s.verdictText).toBe(api.verdictText);
    expect(s.signals.official!.ageSeconds).toBe(20);
    expect(toolText(result)).toContain(api.verdictText as string);
    const page = await (await fetch(`${base}/anthropic/error/overloaded`)).text();
    expect(textOf(page)).toContain(api.verdictLabel as string);

    const status = await call('get_status', { provider: 'openai' });
    const provider = await json('/api/v1/providers/openai');
    const st = status.structuredContent as Record<string, unknown>;
    expect(st.level).toBe(provider.level);
    expect(st.level).toBe('operational');
    expect(st.reasons).toEqual(provider.reasons);
    expect(toolText(status)).toMatch(/OpenAI API: Operational/);
  });

  it('lists incidents within the days asked, and diagnoses a pasted error with its secret redacted', async () => {
    const incidents = await call('list_incidents', { provider: 'anthropic', days: 1 });
    const list = (incidents.structuredContent as { incidents: { title: string; open: boolean }[] }).incidents;
    expect(list.map((i) => i.title)).toEqual(['Elevated errors on Claude Opus']);
    expect(list[0]!.open).toBe(true);

    const secret = 'sk-ant-api03-' + 'x'.repeat(40);
    const result = await call('diagnose', {
      text: `anthropic.AuthenticationError: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}} key=${secret}`,
    });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result)).not.toContain(secret);
    const d = result.structuredContent as {
      redacted: string;
      matches: { provider: string; error: string; verdict?: string }[];
    };
    expect(d.redacted).toContain('[redacted]');
    expect(d.matches[0]).toMatchObject({ provider: 'anthropic', error: 'auth-error' });
    expect(d.matches[0]!.verdict).toBeDefined();
  });

  it('answers a tool error naming an unknown provider or error, and refuses bad arguments', async () => {
    const unknown = await call('get_status', { provider: 'nope-ai' });
    expect(unknown.isError).toBe(true);
    expect(toolText(unknown)).toContain('"nope-ai"');
    const badError = await call('get_error_verdict', { provider: 'openai', error: 'teapot' });
    expect(badError.isError).toBe(true);
    expect(toolText(badError)).toContain('"teapot"');
    const days = await call('list_incidents', { provider: 'openai', days: 400 });
    expect(days.isError).toBe(true);
    expect(toolText(days)).toMatch(/days/);
  });

  it('answers GET and DELETE with 405 and Allow: POST, keeping the security headers', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${base}/mcp`, { method, headers: { accept: 'text/event-stream' } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const post = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: '*/*' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(post.status).toBe(200);
    expect(((await post.json()) as { result: { tools: unknown[] } }).result.tools).toHaveLength(4);
    expect(post.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(post.headers.get('cache-control')).toBe('no-store');
  });
});

describe('the MCP rate limit', () => {
  it('answers 429 past the configured requests per minute', async () => {
    const small = await createHarness({ env: { MCP_RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i += 1) codes.push((await small.app.inject({ method: 'GET', url: '/mcp' })).statusCode);
      expect(codes).toEqual([405, 405, 429]);
    } finally {
      await small.close();
    }
  });
});
