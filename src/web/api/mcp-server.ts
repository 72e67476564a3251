// The MCP server's four read-only tools, built per request on the same JSON the API answers (one assessment).
// Loaded on the first /mcp request: the SDK costs some 170 ms and 25 MB that a node serving pages never pays.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { errorTypesFor } from '../../catalog/load.ts';
import { MAX_PASTE_CHARS } from '../../diagnose/match.ts';
import { DAY_MS, toIso } from '../../time.ts';
import type { WebDeps } from '../http/deps.ts';
import { diagnosisJson } from '../pages/diagnose.ts';
import { INCIDENT_WINDOW_MS, type ProviderData } from '../../assessment/signals.ts';
import { trackedProvider } from '../http/problems.ts';
import { signalLines } from '../blocks/answer.ts';
import { errorJson, providerJson } from './bodies.ts';

export const MCP_TOOLS = ['get_status', 'get_error_verdict', 'diagnose', 'list_incidents'] as const;
const INCIDENT_DAYS_MAX = INCIDENT_WINDOW_MS / DAY_MS;

/** Each signal's state, its last good reading and that reading's age in seconds (null: none yet). */
function signalAges(data: ProviderData) {
  return Object.fromEntries(
    Object.values(data.status.signals).map((r) => [
      r.signal,
      {
        state: r.state,
        level: r.level,
        lastGoodAt: r.okAt === null ? null : toIso(r.okAt),
        ageSeconds: r.okAt === null ? null : Math.max(0, Math.round((data.now - r.okAt) / 1000)),
        failingSince: r.failing ? toIso(r.failing.since) : null,
      },
    ]),
  );
}

/** One line per signal, as the answer block says it: "Live probe: Answering normally (last normal answer 2 min ago)". */
const signalText = (data: ProviderData) =>
  signalLines(data)
    .map((l) => `- ${l.name}: ${l.state}${l.good ? ` (${l.good.label} ${l.good.at.ago})` : ''}`)
    .join('\n');

const answer = (text: string, structured: Record<string, unknown>): CallToolResult => ({
  content: [{ type: 'text', text }],
  structuredContent: structured,
});
const toolError = (message: string): CallToolResult => ({ content: [{ type: 'text', text: message }], isError: true });

/** Runs a tool, turning a named refusal (unknown provider or error) into a tool error instead of a protocol error. */
const guarded =
  <A>(run: (args: A) => Promise<CallToolResult>) =>
  async (args: A): Promise<CallToolResult> => {
    try {
      return await run(args);
    } catch (error) {
      if (error instanceof Error && 'statusCode' in error) return toolError(error.message);
      throw error;
    }
  };

const providerArg = z.string().min(1).max(100).describe('the provider slug, as in /api/v1/providers (e.g. "openai")');

export function createMcpServer(deps: WebDeps): McpServer {
  const { catalog, config, assessor, now } = deps;
  const server = new McpServer({ name: config.siteName, version: '1' });
  const read = async (slug: string) => {
    const provider = trackedProvider(catalog, slug);
    return await assessor.of(provider, now());
  };

  server.registerTool(
    'get_status',
    {
      title: 'Status of an AI API provider',
      description: 'The API level with its reasons, the products level, is-it-down and each signal with its age.',
      inputSchema: { provider: providerArg },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async ({ provider }) => {
      const data = await read(provider);
      const json = providerJson(data, catalog, config.siteUrl, config.probeIntervalMs);
      const down = data.assessment.down;
      const structured = {
        generatedAt: toIso(data.now),
        provider: json.slug,
        name: json.name,
        level: json.level,
        label: json.label,
        summary: json.summary,
        reasons: json.reasons,
        products: json.products,
        isItDown: { answer: down.answer, label: down.label },
        checkedAt: json.checkedAt,
        lastGoodAt: json.lastGoodAt,
        signals: signalAges(data),
        links: { html: json.links.html, errors: json.links.errors.map((e) => e.slug) },
      };
      const text = `${json.name} API: ${json.label}. ${json.summary}\nIs it down? ${down.label}.\n${signalText(data)}`;
      return answer(text, structured);
    }),
  );

  server.registerTool(
    'get_error_verdict',
    {
      title: 'Is this error on my side or the provider’s?',
      description:
        'The verdict for one error type of a provider (your_side, provider_side, inconclusive) with its evidence.',
      inputSchema: {
        provider: providerArg,
        error: z
          .string()
          .min(1)
          .max(100)
          .describe('the error type slug, e.g. "auth-error", "rate-limit", "overloaded"'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async ({ provider, error }) => {
      const p = trackedProvider(catalog, provider);
      const types = errorTypesFor(catalog, p);
      const errorType = types.find((e) => e.slug === error);
      if (!errorType)
        return toolError(
          `We have no page for the error "${error}" of ${p.name}; known: ${types.map((e) => e.slug).join(', ')}.`,
        );
      const data = await read(p.slug);
      const json = { generatedAt: toIso(data.now), ...errorJson(data, errorType, config.siteUrl) };
      const structured = { ...json, signals: signalAges(data) };
      const text = `${p.name}, ${errorType.title}: ${json.verdictLabel}. ${json.verdictText}\nAPI: ${json.label}.\n${signalText(data)}`;
      return answer(text, structured);
    }),
  );

  server.registerTool(
    'diagnose',
    {
      title: 'Diagnose a pasted error',
      description:
        'Matches an error message, status, body or SDK exception against every provider’s known errors. ' +
        'Secrets in the text are redacted before it is read; nothing is stored.',
      inputSchema: {
        text: z.string().trim().min(1).max(MAX_PASTE_CHARS).describe('the error text as the API or SDK gave it'),
        provider: providerArg.optional(),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async ({ text, provider }) => {
      const slug = provider === undefined ? '' : trackedProvider(catalog, provider).slug;
      const json = await diagnosisJson(deps, text, slug, now());
      const best = json.matches[0];
      const lines = json.matches.map((m) => `- ${m.provider} / ${m.error} (score ${m.score}): ${m.html}`);
      const head = !best
        ? 'No known error matches this text.'
        : 'verdictText' in best
          ? `Most likely ${best.provider} ${best.error}: ${best.verdictText} (API level ${best.level}).`
          : `Most likely ${best.error}; name the provider for a live verdict.`;
      return answer([head, ...lines].join('\n'), json);
    }),
  );

  server.registerTool(
    'list_incidents',
    {
      title: 'Incidents of a provider',
      description: `Official and detected incidents started in the last days (at most ${INCIDENT_DAYS_MAX}), open ones always.`,
      inputSchema: { provider: providerArg, days: z.number().int().min(1).max(INCIDENT_DAYS_MAX).default(7) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async ({ provider, days }) => {
      const data = await read(provider);
      const json = providerJson(data, catalog, config.siteUrl, config.probeIntervalMs);
      const from = toIso(data.now - days * DAY_MS);
      const incidents = json.incidents.filter((i) => i.open || (i.startedAt !== null && i.startedAt >= from));
      const structured = {
        generatedAt: toIso(data.now),
        provider: json.slug,
        days,
        level: json.level,
        label: json.label,
        signals: signalAges(data),
        incidents,
      };
      const lines = incidents.map((i) => `- ${i.startedAt} ${i.open ? 'OPEN' : i.state} (${i.origin}): ${i.title}`);
      const text = `${json.name}: ${incidents.length} incident(s) in ${days} day(s); API ${json.label}.\n${lines.join('\n')}`;
      return answer(text, structured);
    }),
  );
  return server;
}

/** Answers one MCP POST statelessly: a fresh server and transport per request, JSON answers (no stream). */
export async function handleMcp(deps: WebDeps, request: Request, body: unknown): Promise<Response> {
  const server = createMcpServer(deps);
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request, { parsedBody: body });
  } finally {
    void server.close();
  }
}
