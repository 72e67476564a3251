// A probe agent's configuration: the environment parsed once with zod, one line per bad variable (keys hidden).
import * as z from 'zod';
import {
  AGENT_KEY_MIN_CHARS,
  booleanText,
  dnsServerList,
  LOG_LEVELS,
  parseEnv,
  regionName,
  seconds,
} from '../config.ts';

const AGENT_KEY_WORDS = `this region's key from the site's AGENT_KEYS (at least ${AGENT_KEY_MIN_CHARS} characters)`;

const AgentEnv = z.object({
  AGENT_REGION: regionName,
  CENTRAL_URL: z
    .url({ protocol: /^https?$/, error: 'the site’s absolute http(s) URL, such as https://status.example.com' })
    .transform((url) => url.replace(/\/+$/, '')),
  AGENT_KEY: z.string({ error: AGENT_KEY_WORDS }).min(AGENT_KEY_MIN_CHARS, { error: AGENT_KEY_WORDS }),
  PROVIDERS_FILE: z.string().min(1, { error: 'a file path' }).default('data/providers.json'),
  ERRORS_FILE: z.string().min(1, { error: 'a file path' }).default('data/errors.json'),
  PROBE_INTERVAL_SECONDS: seconds(180, 1),
  PROBE_TIMEOUT_SECONDS: seconds(10, 1),
  AGENT_BUFFER_FILE: z.string().min(1, { error: 'a file path' }).optional(),
  AGENT_BUFFER_MAX_RESULTS: z.coerce
    .number({ error: 'a whole number of results' })
    .int({ error: 'a whole number of results' })
    .min(1, { error: 'a whole number of results, at least 1' })
    .max(1_000_000, { error: 'a whole number of results, at most 1000000' })
    .default(20_000),
  ALLOW_PRIVATE_UPSTREAMS: booleanText.default(false),
  DNS_SERVERS: dnsServerList,
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});

export type AgentConfig = Readonly<{
  region: string;
  centralUrl: string;
  key: string;
  providersFile: string;
  errorsFile: string;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  /** Where results wait for the site (default: data/agent-<region>.jsonl). */
  bufferFile: string;
  bufferMaxResults: number;
  allowPrivateUpstreams: boolean;
  dnsServers: readonly string[];
  logLevel: (typeof LOG_LEVELS)[number];
}>;

/** Parses an agent's environment; throws ConfigError listing one line per bad variable. */
export function parseAgentConfig(env: Record<string, string | undefined>): AgentConfig {
  const e = parseEnv(AgentEnv, env);
  return Object.freeze({
    region: e.AGENT_REGION,
    centralUrl: e.CENTRAL_URL,
    key: e.AGENT_KEY,
    providersFile: e.PROVIDERS_FILE,
    errorsFile: e.ERRORS_FILE,
    probeIntervalMs: e.PROBE_INTERVAL_SECONDS * 1000,
    probeTimeoutMs: e.PROBE_TIMEOUT_SECONDS * 1000,
    bufferFile: e.AGENT_BUFFER_FILE ?? `data/agent-${e.AGENT_REGION}.jsonl`,
    bufferMaxResults: e.AGENT_BUFFER_MAX_RESULTS,
    allowPrivateUpstreams: e.ALLOW_PRIVATE_UPSTREAMS,
    dnsServers: Object.freeze(e.DNS_SERVERS),
    logLevel: e.LOG_LEVEL,
  });
}

/** The agent process's configuration; called once by agent.ts. */
export function loadAgentConfig(): AgentConfig {
  return parseAgentConfig(process.env);
}
