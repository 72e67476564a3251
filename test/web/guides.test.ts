// Cross-provider pages: is-it-down with live answers and alternatives, error guides with each provider's spelling,
// methodology.
import { CORRELATION_MIN_PROVIDERS, CORRELATION_WINDOW_MS } from '../../src/status/correlation.ts';
import { MODEL_MIN_ALLOCATIONS, MODEL_TOP } from '../../src/status/models.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMUNITY_SPIKE_MIN_REPORTS } from '../../src/status/community.ts';
import { STALE_AFTER_INTERVALS } from '../../src/status/freshness.ts';
import {
  LOCAL_FAULT_MIN_PROVIDERS,
  PROBE_FAILURES_TO_CONFIRM,
  PROBE_SUCCESSES_TO_CLEAR,
} from '../../src/status/probe.ts';
import { ACCOUNTABILITY_WINDOW_MS } from '../../src/status/accountability.ts';
import { DETECTION_INTERVAL_MS } from '../../src/status/detection.ts';
import { HISTORY_MAX_GAP_MS, HISTORY_RETENTION_DAYS, HISTORY_SAMPLE_MS } from '../../src/status/history.ts';
import { COMPONENT_CONFIRM_POLLS } from '../../src/status/damping.ts';
import { formatDuration } from '../../src/time.ts';
import { createHarness, T0, textOf, type Harness } from '../helpers/app.ts';
import { recordIncident, recordOfficial, recordProbes, recordReports } from '../helpers/signals.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const get = async (url: string) => {
  const res = await h.app.inject({ method: 'GET', url });
  return { status: res.statusCode, text: textOf(res.body), body: res.body, json: () => res.json() };
};

describe('/:provider/is-it-down', () => {
  it('answers "We can\'t tell right now" without fresh data, and says why', async () => {
    const r = await get('/openai/is-it-down');
    expect(r.status).toBe(200);
    expect(r.text).toContain("Is OpenAI down? We can't tell right now");
    expect(r.text).toContain('The status page has not been checked yet.');
    expect(r.text).toContain('No other provider is confirmed operational right now.');
  });

  it('answers No with the evidence and its age, and lists the operational alternatives', async () => {
    for (const slug of ['openai', 'anthropic', 'groq']) await recordOfficial(h.store, slug, T0);
    await recordProbes(h.store, 'openai', T0, h.config.probeIntervalMs, 'healthy');
    const r = await get('/openai/is-it-down');
    expect(r.text).toMatch(/Is OpenAI down\? No OpenAI is up: The status page lists its API component as operational/);
    expect(r.text).toContain('(20 s ago)');
    expect(r.body).toContain('<a href="/anthropic/is-it-down">Anthropic</a>');
    expect(r.body).toContain('<a href="/groq/is-it-down">Groq</a>');
    expect(r.body).not.toContain('<a href="/openai/is-it-down">OpenAI</a>');
    expect(r.text).toContain('the cause is most likely on your side');
  });

  it('answers Partly for an open incident, lists the affected components and what to do meanwhile', async () => {
    await recordOfficial(h.store, 'anthropic', T0, {
      'Claude API': 'partial_outage',
      'claude.ai': 'operational',
      Console: 'operational',
    });
    await recordIncident(h.store, 'anthropic', T0, 'Elevated errors on the Claude API');
    const r = await get('/anthropic/is-it-down');
    expect(r.text).toMatch(/Is Anthropic down\? Partly Anthropic is partly down/);
    expect(r.text).toMatch(
      new RegExp(
        [
          /What is affected As Anthropic's status page lists them now\. /.source,
          /Claude API Partial Outage first seen at 22 Nov 2026, 11:59 UTC/.source,
        ].join(''),
      ),
    );
    expect(r.text).toContain('Elevated errors on the Claude API');
    expect(r.text).toContain('Retry failed requests with exponential backoff and jitter');
    expect(r.body).toContain('href="/anthropic/error/overloaded"');
  });

  it('answers Yes only when every component is down', async () => {
    await recordOfficial(h.store, 'groq', T0, { API: 'major_outage', Console: 'major_outage' });
    expect((await get('/groq/is-it-down')).text).toMatch(/Is Groq down\? Yes Groq has a major outage/);
  });

  it('says only "may be partly down" on reports alone', async () => {
    await recordReports(h.store, 'mistral', T0, 'overloaded', COMMUNITY_SPIKE_MIN_REPORTS + 2);
    expect((await get('/mistral/is-it-down')).text).toMatch(
      /Partly Mistral AI may be partly down: Users report problems/,
    );
  });

  it('has a JSON twin and a 404 for an unknown provider', async () => {
    await recordOfficial(h.store, 'deepseek', T0);
    await recordProbes(h.store, 'deepseek', T0, h.config.probeIntervalMs, 'failing');
    const j = (await get('/api/v1/providers/deepseek/is-it-down')).json();
    expect(j).toMatchObject({ provider: 'deepseek', answer: 'partly', level: 'partial_outage' });
    expect(j.evidence[0].text).toContain(`${PROBE_FAILURES_TO_CONFIRM} probes failed`);
    expect((await get('/nope/is-it-down')).status).toBe(404);
  });
});

describe('/errors and /errors/:error', () => {
  it('lists every error type with its statuses and guide link', async () => {
    const r = await get('/errors');
    for (const e of h.catalog.errorTypes) expect(r.body).toContain(`href="/errors/${e.slug}"`);
    expect(r.text).toContain('Rate Limit Exceeded (429 Too Many Requests) A rate-limit error');
  });

  it("shows each provider's spelling of the error, live status and verdict, and who it does not apply to", async () => {
    await recordOfficial(h.store, 'anthropic', T0);
    await recordIncident(h.store, 'anthropic', T0, 'Elevated overloaded errors');
    const r = await get('/errors/overloaded');
    expect(r.status).toBe(200);
    expect(r.text).toContain('529 overloaded_error anthropic.OverloadedError (newer SDKs)');
    expect(r.text).toContain('503 The model is overloaded');
    expect(r.body).toMatch(
      new RegExp(
        [
          /href="\/anthropic\/error\/overloaded">Anthropic<\/a>/.source,
          /[\s\S]*?Partial Outage[\s\S]*?Likely on the provider&#39;s side/.source,
        ].join(''),
      ),
    );
    expect(r.text).toMatch(/does not occur in this form there: .*Replicate/);
    expect(r.body).not.toContain('href="/replicate/error/overloaded"');
    expect(r.text).not.toMatch(/\{name\}/);
  });

  it('answers 404 for an unknown guide', async () => {
    expect((await get('/errors/nope')).status).toBe(404);
  });
});

describe('/methodology', () => {
  it('states the rules with the numbers the code uses', async () => {
    const r = await get('/methodology');
    expect(r.text).toContain(`every ${formatDuration(h.config.pollIntervalMs)}`);
    expect(r.text).toContain(
      `younger than ${STALE_AFTER_INTERVALS} of its intervals: ` +
        `${formatDuration(STALE_AFTER_INTERVALS * h.config.pollIntervalMs)} for the status page`,
    );
    expect(r.text).toContain(`${PROBE_FAILURES_TO_CONFIRM} failed probes in a row`);
    expect(r.text).toContain(`${PROBE_SUCCESSES_TO_CLEAR} normal answers in a row clear it`);
    expect(r.text).toContain(`changes only after ${COMPONENT_CONFIRM_POLLS} polls in a row agree`);
    expect(r.text).toContain(`at least ${COMMUNITY_SPIKE_MIN_REPORTS} reports`);
    expect(r.text).toContain('Overloaded (529 overloaded_error, model overloaded) Usually the provider');
    expect(r.text).toContain(
      `When ${CORRELATION_MIN_PROVIDERS} or more providers turn Degraded or worse within ` +
        `${formatDuration(CORRELATION_WINDOW_MS)} of one another`,
    );
    expect(r.text).toContain(`and those of at least ${CORRELATION_MIN_PROVIDERS - 1} others`);
    expect(r.text).toContain(`show up to ${MODEL_TOP} models named in the last 24 hours`);
    expect(r.text).toContain(`A model shows only once ${MODEL_MIN_ALLOCATIONS} networks named it`);
  });

  it('explains the history with the numbers the rollups use', async () => {
    const r = await get('/methodology');
    expect(r.text).toContain(`Every ${formatDuration(HISTORY_SAMPLE_MS)} the node running the jobs reads`);
    expect(r.text).toContain(`more than ${formatDuration(HISTORY_MAX_GAP_MS)} apart count nothing`);
    expect(r.text).toContain(`Daily figures are kept ${HISTORY_RETENTION_DAYS} days`);
  });

  it('explains detected incidents and the acknowledgement lag with the same numbers', async () => {
    const r = await get('/methodology');
    expect(r.text).toContain(
      `when ${PROBE_FAILURES_TO_CONFIRM} probes in a row fail, an incident opens, starting at the first failed attempt`,
    );
    expect(r.text).toContain(`once ${PROBE_SUCCESSES_TO_CLEAR} answers in a row came back`);
    expect(r.text).toContain(`at least ${LOCAL_FAULT_MIN_PROVIDERS} providers`);
    expect(r.text).toContain(
      `Over the last ${formatDuration(ACCOUNTABILITY_WINDOW_MS)}, each provider gets the median`,
    );
    expect(r.text).toContain(`every ${formatDuration(DETECTION_INTERVAL_MS)}`);
  });

  it('follows the configured intervals', async () => {
    const other = await createHarness({ env: { POLL_INTERVAL_SECONDS: '120', PROBE_INTERVAL_SECONDS: '600' } });
    const text = textOf((await other.app.inject({ method: 'GET', url: '/methodology' })).body);
    expect(text).toContain('status page every 2 min');
    expect(text).toContain('every 10 min we call');
    expect(text).toContain('6 min for the status page, 30 min for the probe');
    await other.close();
  });

  it('is linked from every page through the site navigation', async () => {
    for (const url of ['/', '/openai', '/errors', '/diagnose'])
      expect((await get(url)).body).toContain('<a href="/methodology">How it works</a>');
  });

  it('and /accountability is linked from every page', async () => {
    for (const url of ['/', '/openai', '/methodology'])
      expect((await get(url)).body).toContain('<a href="/accountability">Accountability</a>');
  });
});
