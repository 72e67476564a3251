// Configuration: the environment parsed once with zod into a frozen Config; the only reader of process.env.
import { isIP } from 'node:net';
import * as z from 'zod';
import { MAX_TIMER_MS } from './time.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** What a process does: everything, the pages (and their writes) only, or the jobs only. */
export const ROLES = ['all', 'web', 'jobs'] as const;
export type Role = (typeof ROLES)[number];

export const booleanText = z
  .enum(['true', 'false', '1', '0'], { error: 'true or false' })
  .transform((value) => value === 'true' || value === '1');

/** Every duration becomes a timer somewhere, and a timer holds at most MAX_TIMER_MS (2,147,483 s, ~24.8 days). */
const MAX_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

export const seconds = (fallback: number, min: number, max = MAX_SECONDS, why = 'about 24 days') =>
  z.coerce
    .number({ error: 'a whole number of seconds' })
    .int({ error: 'a whole number of seconds' })
    .min(min, { error: `a whole number of seconds, at least ${min}` })
    .max(max, { error: `a whole number of seconds, at most ${max} (${why})` })
    .default(fallback);

const commaList = () =>
  z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    );

/** An IP address, or a CIDR range whose prefix length fits its family (at most 32 for IPv4, 128 for IPv6). */
function isAddressOrRange(item: string): boolean {
  const [address = '', prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** `TRUST_PROXY`: a comma-separated list of proxy addresses or CIDR ranges whose X-Forwarded-For we believe. */
const proxyList = commaList().refine((items) => items.every(isAddressOrRange), {
  error: 'a comma-separated list of IP addresses or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8)',
});

/** `DNS_SERVERS`: name servers the HTTP door asks instead of the system resolver ("1.1.1.1,[2606:4700::1111]:53"). */
export const dnsServerList = commaList().refine(
  (items) =>
    items.every((item) => {
      const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d{1,5}))?$/.exec(item) ?? /^([0-9a-fA-F:]+)$/.exec(item);
      const host = match?.[1] ?? match?.[2] ?? '';
      const port = match?.[3] === undefined ? 53 : Number(match[3]);
      return isIP(host) !== 0 && port >= 1 && port <= 65535;
    }),
  { error: 'a comma-separated list of name server addresses, each optionally with a port (1.1.1.1,[::1]:5353)' },
);

/** A probe region's name: what pages and JSON show ("us-east", "ap-southeast", "local"). */
export const REGION_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const REGION_WORDS = 'a region name of lowercase letters, digits and dashes (e.g. us-east)';
export const regionName = z.string({ error: REGION_WORDS }).regex(REGION_PATTERN, { error: REGION_WORDS });

/** An agent's signing key: long enough that guessing is hopeless. */
export const AGENT_KEY_MIN_CHARS = 32;

/**
 * `AGENT_KEYS`: "us-east=<key>,eu-west=<key>", each region once. Problems name the region, never the key.
 */
const agentKeyList = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const keys: Record<string, string> = {};
    for (const part of text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const at = part.indexOf('=');
      const region = at < 0 ? part : part.slice(0, at);
      const key = at < 0 ? '' : part.slice(at + 1);
      const problem = !REGION_PATTERN.test(region)
        ? `"${region.slice(0, 32)}" is not a region name (lowercase letters, digits and dashes)`
        : key.length < AGENT_KEY_MIN_CHARS
          ? `the key of ${region} has fewer than ${AGENT_KEY_MIN_CHARS} characters`
          : region in keys
            ? `${region} is listed twice`
            : null;
      if (problem) {
        ctx.addIssue({ code: 'custom', message: `region=key pairs such as us-east=<key>,eu-west=<key>: ${problem}` });
        return z.NEVER;
      }
      keys[region] = key;
    }
    return keys;
  });

const EnvSchema = z
  .object({
    PORT: z.coerce
      .number({ error: 'a port number' })
      .int()
      .min(0)
      .max(65535, { error: 'a port number (0-65535)' })
      .default(3000),
    HOST: z.string().min(1, { error: 'a host name or address to listen on' }).default('127.0.0.1'),
    DATABASE_PATH: z.string().min(1, { error: 'a file path' }).default('data/status.db'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/[^\s]+$/, {
        error: 'a PostgreSQL URL such as postgres://user:password@host:5432/status',
      })
      .optional(),
    SECRET: z.string().min(32, { error: 'a random text of at least 32 characters, the same on every node' }).optional(),
    PROVIDERS_FILE: z.string().min(1, { error: 'a file path' }).default('data/providers.json'),
    ERRORS_FILE: z.string().min(1, { error: 'a file path' }).default('data/errors.json'),
    POLL_INTERVAL_SECONDS: seconds(60, 1),
    PROBE_INTERVAL_SECONDS: seconds(180, 1),
    POLL_TIMEOUT_SECONDS: seconds(10, 1),
    PROBE_TIMEOUT_SECONDS: seconds(10, 1),
    POLL_CONCURRENCY: z.coerce
      .number({ error: 'a whole number' })
      .int()
      .min(1, { error: 'a whole number, at least 1' })
      .max(256, { error: 'a whole number, at most 256' })
      .default(32),
    ALLOW_PRIVATE_UPSTREAMS: booleanText.default(false),
    SITE_URL: z
      .url({ protocol: /^https?$/, error: 'an absolute http(s) URL such as https://status.example.com' })
      .transform((url) => url.replace(/\/+$/, ''))
      .default('http://127.0.0.1:3000'),
    SITE_NAME: z.string().min(1, { error: 'a non-empty name' }).default('AI API Status'),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    TRUST_PROXY: proxyList,
    JOBS: booleanText.default(true),
    ROLE: z.enum(ROLES, { error: `one of ${ROLES.join(', ')}` }).default('all'),
    DNS_SERVERS: dnsServerList,
    REQUEST_TIMEOUT_SECONDS: seconds(30, 1),
    HEADERS_TIMEOUT_SECONDS: seconds(10, 1),
    // Node.js times an idle connection out a second after the keep-alive timeout: that sum must fit a timer too.
    KEEP_ALIVE_TIMEOUT_SECONDS: seconds(10, 1, MAX_SECONDS - 1, 'the connection timer adds a second'),
    MAX_EVENT_LOOP_DELAY_MS: z.coerce
      .number({ error: 'a whole number of milliseconds' })
      .int({ error: 'a whole number of milliseconds' })
      .refine((ms) => ms === 0 || ms >= 10, { error: 'a whole number of milliseconds, at least 10 (or 0: off)' })
      .refine((ms) => ms <= MAX_TIMER_MS, { error: `a whole number of milliseconds, at most ${MAX_TIMER_MS}` })
      .default(200),
    REPORT_RATE_LIMIT_PER_10_MIN: z.coerce
      .number({ error: 'a whole number of reports' })
      .int({ error: 'a whole number of reports' })
      .min(1, { error: 'a whole number of reports, at least 1' })
      .default(30),
    MCP_RATE_LIMIT_PER_MINUTE: z.coerce
      .number({ error: 'a whole number of requests' })
      .int({ error: 'a whole number of requests' })
      .min(1, { error: 'a whole number of requests, at least 1' })
      .default(60),
    PAGERDUTY_EVENTS_URL: z
      .url({ protocol: /^https?$/, error: 'an absolute http(s) URL such as https://events.pagerduty.com/v2/enqueue' })
      .default('https://events.pagerduty.com/v2/enqueue'),
    OPSGENIE_API_URL: z
      .url({ protocol: /^https?$/, error: 'an absolute http(s) URL such as https://api.opsgenie.com' })
      .default('https://api.opsgenie.com'),
    TELEGRAM_API_URL: z
      .url({ protocol: /^https?$/, error: 'an absolute http(s) URL such as https://api.telegram.org' })
      .default('https://api.telegram.org'),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/, { error: 'an SMTP URL such as smtps://user:password@mail.example.com:465' })
      .optional(),
    MAIL_FROM: z
      .string()
      .regex(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
        error: 'an address such as "Status <status@example.com>" or status@example.com',
      })
      .optional(),
    SUBSCRIPTION_RATE_LIMIT_PER_HOUR: z.coerce
      .number({ error: 'a whole number of subscriptions' })
      .int({ error: 'a whole number of subscriptions' })
      .min(1, { error: 'a whole number of subscriptions, at least 1' })
      .default(10),
    MAX_SUBSCRIPTIONS: z.coerce
      .number({ error: 'a whole number of subscriptions' })
      .int({ error: 'a whole number of subscriptions' })
      .min(1, { error: 'a whole number of subscriptions, at least 1' })
      .default(20_000),
    MAX_PENDING_CONFIRMATIONS: z.coerce
      .number({ error: 'a whole number of confirmations' })
      .int({ error: 'a whole number of confirmations' })
      .min(1, { error: 'a whole number of confirmations, at least 1' })
      .default(500),
    METRICS_PORT: z.coerce
      .number({ error: 'a port number' })
      .int({ error: 'a port number' })
      .min(0)
      .max(65535, { error: 'a port number (0-65535)' })
      .optional(),
    METRICS_HOST: z.string().min(1, { error: 'a host name or address to listen on' }).default('127.0.0.1'),
    PROBE_REGION: regionName.default('local'),
    AGENT_KEYS: agentKeyList,
  })
  .refine((env) => !(env.PROBE_REGION in env.AGENT_KEYS), {
    path: ['AGENT_KEYS'],
    error: 'region=key pairs for the agents only: this node probes as PROBE_REGION itself',
  })
  .refine((env) => env.DATABASE_URL === undefined || env.SECRET !== undefined, {
    path: ['SECRET'],
    error: 'a random text of at least 32 characters shared by every node (required with DATABASE_URL)',
  })
  .refine((env) => env.ROLE !== 'jobs' || env.JOBS, {
    path: ['ROLE'],
    error: 'all or web while JOBS=false (a jobs process with its jobs off would do nothing)',
  })
  .refine((env) => env.HEADERS_TIMEOUT_SECONDS <= env.REQUEST_TIMEOUT_SECONDS, {
    path: ['HEADERS_TIMEOUT_SECONDS'],
    error: 'at most REQUEST_TIMEOUT_SECONDS (the whole request includes its headers)',
  });

export type Config = Readonly<{
  port: number;
  host: string;
  databasePath: string;
  /** PostgreSQL (many nodes on one database) when set; else the SQLite file at databasePath. */
  databaseUrl: string | null;
  /** Shared by every node: the daily client salt and form-token key derive from it; random per process when unset. */
  secret: string | null;
  providersFile: string;
  errorsFile: string;
  pollIntervalMs: number;
  probeIntervalMs: number;
  /** Total time one status document may take (connect, headers and body). */
  pollTimeoutMs: number;
  /** Total time one probe may take (connect, headers and body); longer is a timeout. */
  probeTimeoutMs: number;
  /** Providers polled at once. */
  pollConcurrency: number;
  allowPrivateUpstreams: boolean;
  siteUrl: string;
  siteName: string;
  logLevel: (typeof LOG_LEVELS)[number];
  trustProxy: readonly string[];
  /** Name servers for upstream lookups; empty: the system resolver. */
  dnsServers: readonly string[];
  /** Whether the server runs the poll and probe schedules (tests and demos may turn them off; ROLE=web does). */
  jobs: boolean;
  /** `all`: pages and jobs; `web`: pages and their writes, no jobs; `jobs`: the jobs, no pages (health only). */
  role: Role;
  /** Longest a whole request (headers and body) may take before its connection is closed. */
  requestTimeoutMs: number;
  /** Longest a client may take to send its request headers (slowloris). */
  headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Event-loop delay above which requests get 503 with Retry-After; 0 turns the limit off. */
  maxEventLoopDelayMs: number;
  /** Report submissions one client (salted network hash) may make in 10 minutes, counted or not. */
  reportRateLimitPer10Min: number;
  /** MCP requests (/mcp) per client per minute. */
  mcpRateLimitPerMinute: number;
  /** The mail server for e-mail notifications; null: no e-mail channel is offered. */
  smtpUrl: string | null;
  /** Where PagerDuty events go (the Events API v2, or a relay standing in for it). */
  pagerdutyEventsUrl: string;
  /** Opsgenie's API (https://api.eu.opsgenie.com for the EU instance, or a relay standing in for it). */
  opsgenieApiUrl: string;
  /** Telegram's Bot API (or a self-hosted Bot API server or relay). */
  telegramApiUrl: string;
  /** The From of notification mails (default: the site's name at no-reply@ its host). */
  mailFrom: string;
  /** Subscriptions one client (an IPv4 address or an IPv6 /48, as a salted hash) may create in an hour. */
  subscriptionRateLimitPerHour: number;
  /** Subscriptions the site holds at most; creation beyond answers 429. */
  maxSubscriptions: number;
  /** E-mail confirmations waiting to be followed at most; an e-mail subscription beyond answers 429. */
  maxPendingConfirmations: number;
  /** Port of the Prometheus metrics listener; null: no metrics. */
  metricsPort: number | null;
  /** Address the metrics listener binds (loopback unless told otherwise). */
  metricsHost: string;
  /** The region this node's own probes run from. */
  probeRegion: string;
  /** Each probe agent's signing key, by its region; empty: no agents. */
  agentKeys: Readonly<Record<string, string>>;
}>;

const HIDDEN_VALUES = new Set(['DATABASE_URL', 'SECRET', 'SMTP_URL', 'AGENT_KEYS', 'AGENT_KEY']);

/** Every probe region this node knows: its own first, then the agents'. */
export const probeRegions = (config: Pick<Config, 'probeRegion' | 'agentKeys'>): string[] => [
  config.probeRegion,
  ...Object.keys(config.agentKeys),
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  }
}

/** Parses an environment with `schema`; throws ConfigError listing one line per bad variable. */
export function parseEnv<T>(schema: z.ZodType<T>, env: Record<string, string | undefined>): T {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(blankless);
  if (!result.success) {
    // One line per variable: its first problem (a value out of range may also break a rule across variables).
    const problems = new Map<string, string>();
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? '?');
      // A password in DATABASE_URL, the SECRET or an agent key never reaches a log.
      const shown = HIDDEN_VALUES.has(name) && blankless[name] ? '(hidden)' : JSON.stringify(blankless[name] ?? '');
      if (!problems.has(name)) problems.set(name, `${name}=${shown}: expected ${issue.message}`);
    }
    throw new ConfigError([...problems.values()]);
  }
  return result.data;
}

/** Parses the environment; throws ConfigError listing one line per bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const e = parseEnv(EnvSchema, env);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL ?? null,
    secret: e.SECRET ?? null,
    providersFile: e.PROVIDERS_FILE,
    errorsFile: e.ERRORS_FILE,
    pollIntervalMs: e.POLL_INTERVAL_SECONDS * 1000,
    probeIntervalMs: e.PROBE_INTERVAL_SECONDS * 1000,
    pollTimeoutMs: e.POLL_TIMEOUT_SECONDS * 1000,
    probeTimeoutMs: e.PROBE_TIMEOUT_SECONDS * 1000,
    pollConcurrency: e.POLL_CONCURRENCY,
    allowPrivateUpstreams: e.ALLOW_PRIVATE_UPSTREAMS,
    siteUrl: e.SITE_URL,
    siteName: e.SITE_NAME,
    logLevel: e.LOG_LEVEL,
    trustProxy: Object.freeze(e.TRUST_PROXY),
    jobs: e.JOBS && e.ROLE !== 'web',
    role: e.ROLE,
    dnsServers: Object.freeze(e.DNS_SERVERS),
    reportRateLimitPer10Min: e.REPORT_RATE_LIMIT_PER_10_MIN,
    mcpRateLimitPerMinute: e.MCP_RATE_LIMIT_PER_MINUTE,
    requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
    headersTimeoutMs: e.HEADERS_TIMEOUT_SECONDS * 1000,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
    smtpUrl: e.SMTP_URL ?? null,
    pagerdutyEventsUrl: e.PAGERDUTY_EVENTS_URL,
    opsgenieApiUrl: e.OPSGENIE_API_URL,
    telegramApiUrl: e.TELEGRAM_API_URL,
    mailFrom: e.MAIL_FROM ?? `"${e.SITE_NAME.replace(/["\\\r\n]/g, '')}" <no-reply@${new URL(e.SITE_URL).hostname}>`,
    subscriptionRateLimitPerHour: e.SUBSCRIPTION_RATE_LIMIT_PER_HOUR,
    maxSubscriptions: e.MAX_SUBSCRIPTIONS,
    maxPendingConfirmations: e.MAX_PENDING_CONFIRMATIONS,
    metricsPort: e.METRICS_PORT ?? null,
    metricsHost: e.METRICS_HOST,
    probeRegion: e.PROBE_REGION,
    agentKeys: Object.freeze({ ...e.AGENT_KEYS }),
  });
}

/** The process's configuration; called once by server.ts. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}
