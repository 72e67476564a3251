// Configuration: defaults, parsing, and one clear line per bad variable — also when the real process starts.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.ts';

describe('parseConfig', () => {
  it('has the documented defaults', () => {
    expect(parseConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databasePath: 'data/status.db',
      databaseUrl: null,
      secret: null,
      providersFile: 'data/providers.json',
      errorsFile: 'data/errors.json',
      pollIntervalMs: 60_000,
      probeIntervalMs: 180_000,
      allowPrivateUpstreams: false,
      siteUrl: 'http://127.0.0.1:3000',
      siteName: 'AI API Status',
      logLevel: 'info',
      trustProxy: [],
      jobs: true,
      role: 'all',
      dnsServers: [],
      reportRateLimitPer10Min: 30,
      mcpRateLimitPerMinute: 60,
      pollTimeoutMs: 10_000,
      pollConcurrency: 32,
      probeTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 10_000,
      maxEventLoopDelayMs: 200,
      metricsPort: null,
      metricsHost: '127.0.0.1',
      probeRegion: 'local',
      agentKeys: {},
      smtpUrl: null,
      pagerdutyEventsUrl: 'https://events.pagerduty.com/v2/enqueue',
      opsgenieApiUrl: 'https://api.opsgenie.com',
      telegramApiUrl: 'https://api.telegram.org',
      mailFrom: '"AI API Status" <no-reply@127.0.0.1>',
      subscriptionRateLimitPerHour: 10,
      maxSubscriptions: 20_000,
      maxPendingConfirmations: 500,
    });
  });

  it('reads the mail settings, hides the SMTP URL (it may hold a password) and names a bad sender', () => {
    expect(
      parseConfig({ SMTP_URL: 'smtps://user:pw@mail.example.com:465', MAIL_FROM: 'Status <s@example.com>' }),
    ).toMatchObject({ smtpUrl: 'smtps://user:pw@mail.example.com:465', mailFrom: 'Status <s@example.com>' });
    expect(() => parseConfig({ SMTP_URL: 'http://user:secret-pw@mail', MAIL_FROM: 'nobody' })).toThrow(
      [
        'Invalid configuration:',
        '  SMTP_URL=(hidden): expected an SMTP URL such as smtps://user:password@mail.example.com:465',
        '  MAIL_FROM="nobody": expected an address such as "Status <status@example.com>" or status@example.com',
      ].join('\n'),
    );
  });

  it('reads the metrics listener and lets the event-loop limit be turned off', () => {
    expect(parseConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5', MAX_EVENT_LOOP_DELAY_MS: '0' })).toMatchObject(
      {
        metricsPort: 9464,
        metricsHost: '10.0.0.5',
        maxEventLoopDelayMs: 0,
      },
    );
    expect(() => parseConfig({ METRICS_PORT: 'metrics', MAX_EVENT_LOOP_DELAY_MS: '5' })).toThrow(
      [
        'Invalid configuration:',
        '  MAX_EVENT_LOOP_DELAY_MS="5": expected a whole number of milliseconds, at least 10 (or 0: off)',
        '  METRICS_PORT="metrics": expected a port number',
      ].join('\n'),
    );
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(() => parseConfig({ HEADERS_TIMEOUT_SECONDS: '40' })).toThrow(
      'HEADERS_TIMEOUT_SECONDS="40": expected at most REQUEST_TIMEOUT_SECONDS (the whole request includes its headers)',
    );
  });

  it('parses every variable and freezes the result', () => {
    const config = parseConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      POLL_INTERVAL_SECONDS: '5',
      PROBE_INTERVAL_SECONDS: '30',
      ALLOW_PRIVATE_UPSTREAMS: 'true',
      SITE_URL: 'https://status.example.com/',
      TRUST_PROXY: '127.0.0.1, 10.0.0.0/8',
      LOG_LEVEL: 'warn',
      JOBS: 'false',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      pollIntervalMs: 5000,
      probeIntervalMs: 30_000,
      allowPrivateUpstreams: true,
      siteUrl: 'https://status.example.com',
      trustProxy: ['127.0.0.1', '10.0.0.0/8'],
      logLevel: 'warn',
      jobs: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads ROLE: web runs no jobs, jobs refuses JOBS=false, anything else is named in one line', () => {
    expect(parseConfig({ ROLE: 'web' })).toMatchObject({ role: 'web', jobs: false });
    expect(parseConfig({ ROLE: 'jobs' })).toMatchObject({ role: 'jobs', jobs: true });
    expect(parseConfig({ ROLE: 'all', JOBS: 'false' })).toMatchObject({ role: 'all', jobs: false });
    expect(() => parseConfig({ ROLE: 'jobs', JOBS: 'false' })).toThrow(
      'ROLE="jobs": expected all or web while JOBS=false (a jobs process with its jobs off would do nothing)',
    );
    expect(() => parseConfig({ ROLE: 'worker' })).toThrow('ROLE="worker": expected one of all, web, jobs');
  });

  it('runs on PostgreSQL with a shared secret, and refuses DATABASE_URL without one in one line', () => {
    const secret = 'a-secret-shared-by-every-node-0123456789';
    const url = 'postgres://status:p4ss@db.internal:5432/status';
    expect(parseConfig({ DATABASE_URL: url, SECRET: secret })).toMatchObject({ databaseUrl: url, secret });
    expect(() => parseConfig({ DATABASE_URL: url })).toThrow(
      new ConfigError([
        'SECRET="": expected a random text of at least 32 characters shared by every node (required with DATABASE_URL)',
      ]),
    );
  });

  it('never repeats a database password or the secret in its complaint', () => {
    let message = '';
    try {
      parseConfig({ DATABASE_URL: 'mysql://root:hunter2@db/status', SECRET: 'short-hunter3' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('DATABASE_URL=(hidden): expected a PostgreSQL URL');
    expect(message).toContain('SECRET=(hidden): expected a random text of at least 32 characters');
    expect(message).not.toMatch(/hunter/);
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ PORT: '', SITE_NAME: '' }).port).toBe(3000);
  });

  it('lists every bad variable, one line each, naming it and what it expects', () => {
    let error: ConfigError | undefined;
    try {
      parseConfig({
        PORT: 'eighty',
        POLL_INTERVAL_SECONDS: '0',
        ALLOW_PRIVATE_UPSTREAMS: 'yes',
        SITE_URL: 'ftp://x',
        TRUST_PROXY: 'my-proxy',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      'PORT="eighty": expected a port number',
      'POLL_INTERVAL_SECONDS="0": expected a whole number of seconds, at least 1',
      'ALLOW_PRIVATE_UPSTREAMS="yes": expected true or false',
      'SITE_URL="ftp://x": expected an absolute http(s) URL such as https://status.example.com',
      'LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent',
      'TRUST_PROXY="my-proxy": expected a comma-separated list of IP addresses or CIDR ranges (e.g. ' +
        '127.0.0.1,10.0.0.0/8)',
    ]);
  });
});

describe('the server process', () => {
  it('stops at boot with one line per bad variable and a non-zero exit', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: '99999', PROBE_INTERVAL_SECONDS: 'soon', DATABASE_PATH: ':memory:' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr.trim().split('\n')).toEqual([
      'Invalid configuration:',
      '  PORT="99999": expected a port number (0-65535)',
      '  PROBE_INTERVAL_SECONDS="soon": expected a whole number of seconds',
    ]);
  });
});
