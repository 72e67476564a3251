// A fake provider API behaving normally, failing, recovering and slowing down, probed by the real job: the Live
// Signals block, the headline and the verdict move the right way at the right cycle, and the JSON agrees.
import { afterEach, describe, expect, it } from 'vitest';
import { SLOW_FLOOR_MS } from '../../src/probes/baseline.ts';
import { catalogWith, createHarness, textOf, type Harness } from '../helpers/app.ts';
import { probeRig, probingAt, startFakeApi, type ApiBehaviour, type FakeApi, type ProbeRig } from '../helpers/probe.ts';
import { fixture } from '../helpers/upstream.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const STEP = 180_000;
const NORMAL: ApiBehaviour = { status: 401, body: fixture('errors/openai-401-invalid-key.json') };
const BROKEN: ApiBehaviour = { status: 502, type: 'text/html', body: '<html><h1>502 Bad Gateway</h1></html>' };
let h: Harness;
let rig: ProbeRig;
let api: FakeApi;

afterEach(async () => {
  await rig.close();
  await h.close();
  await api.close();
});

type Seen = { level: string; stateLabel: string; verdict: string; page: string; error: string };
let cycles = 0;

/** One probe cycle with the API behaving as given, then what the dashboard, the error page and the JSON say. */
async function probeWith(behaviour: ApiBehaviour): Promise<Seen> {
  api.set(behaviour);
  h.clock.now = NOW + cycles * STEP;
  cycles += 1;
  await rig.job.runCycle();
  const json = (await h.app.inject({ url: '/api/v1/providers/openai' })).json();
  const page = textOf((await h.app.inject({ url: '/openai' })).body);
  const error = textOf((await h.app.inject({ url: '/openai/error/auth-error' })).body);
  // The JSON agrees with both pages, word for word.
  expect(page).toMatch(new RegExp(`Current status ${json.label}`));
  expect(error).toMatch(new RegExp(`Current status ${json.label}`));
  for (const text of [json.probes.stateLabel, json.probes.summary, json.probes.latencyText, json.probes.summary24h]) {
    expect(page).toContain(text);
  }
  // The error page says the probe's state once, in its answer; the dashboard has the rest.
  expect(error).toContain(json.probes.stateLabel);
  const probes = `${json.probes.count24h} probe${json.probes.count24h === 1 ? '' : 's'}`;
  expect(page).toContain(`${probes}, ${json.probes.answered24h} answered as expected`);
  expect(json.signals.probe.summary).toBe(json.probes.summary);
  // The verdict's words end where its list of evidence (each item led by its signal) or the headline's evidence starts.
  const verdict = new RegExp(
    [
      /(Likely on your side|Likely on the provider's side|Inconclusive)/.source,
      / (.*?) /.source,
      /(?:Live probe:|Official status page:|Community reports:|Evidence)/.source,
    ].join(''),
  ).exec(error);
  return {
    level: json.level,
    stateLabel: json.probes.stateLabel,
    verdict: `${verdict?.[1]}: ${verdict?.[2]}`,
    page,
    error,
  };
}

const NORMALLY =
  "Likely on your side: OpenAI's authentication service is answering normally: the problem is most likely your " +
  'key or configuration.';
const NOT_NORMALLY =
  "Likely on the provider's side: OpenAI's authentication service is not answering normally: the problem is " +
  "most likely on OpenAI's side, not your key or configuration. Waiting or retrying later is likely to help " +
  'more than changing your setup.';

describe('a provider API over time', () => {
  it('healthy, then failing, recovering, slow and well again: every step damped, pages and JSON in step', async () => {
    api = await startFakeApi(NORMAL);
    cycles = 0;
    // No official page: the probe alone decides, so each move of the headline is the probe's.
    h = await createHarness({
      catalog: catalogWith([{ ...probingAt(api.url('openai')), statusPage: null }]),
      now: NOW,
      env: { ALLOW_PRIVATE_UPSTREAMS: 'true' },
    });
    rig = probeRig(h);

    let seen = await probeWith(NORMAL);
    expect(seen).toMatchObject({ level: 'operational', stateLabel: 'Answering normally', verdict: NORMALLY });
    expect(seen.page).toContain(
      'until 10 normal answers set the usual (1 so far), only answers slower than 5 s count as slow',
    );
    for (let i = 0; i < 10; i += 1) seen = await probeWith(NORMAL);
    expect(seen.page).toMatch(/usual \d+ ms; answers slower than 800 ms count as slow/);
    // Drawn over the range with data: these probes span less than an hour.
    expect(seen.page).toContain('Last hour: 11 probes, 11 answered as expected (100%)');

    seen = await probeWith(BROKEN);
    expect(seen).toMatchObject({ level: 'operational', stateLabel: 'Unusual result, not confirmed' });
    expect(seen.verdict).toMatch(
      /^Inconclusive: OpenAI's authentication service did not answer our latest probe in its usual way/,
    );
    expect(seen.page).toContain('A single unusual result is not enough to declare trouble');
    expect(seen.page).toContain('What came back: HTTP 502 (expected 401): <html><h1>502 Bad Gateway</h1></html>');

    seen = await probeWith(BROKEN);
    expect(seen.level).toBe('operational');
    seen = await probeWith(BROKEN);
    expect(seen).toMatchObject({ level: 'partial_outage', stateLabel: 'Failing', verdict: NOT_NORMALLY });
    expect(seen.page).toContain(
      '3 probes failed since 22 Nov 2026, 12:33 UTC. Last probe at 22 Nov 2026, 12:39 UTC: the API answered ' +
        'with an unexpected status (HTTP 502',
    );
    expect(seen.page).toContain('14 probes, 11 answered as expected (78.6%)');

    seen = await probeWith(NORMAL);
    expect(seen).toMatchObject({ level: 'partial_outage', stateLabel: 'Failing', verdict: NOT_NORMALLY });
    seen = await probeWith(NORMAL);
    expect(seen).toMatchObject({ level: 'operational', stateLabel: 'Answering normally', verdict: NORMALLY });

    const slow = { ...NORMAL, delayMs: SLOW_FLOOR_MS + 100 };
    seen = await probeWith(slow);
    expect(seen).toMatchObject({ level: 'operational', verdict: NORMALLY });
    await probeWith(slow);
    seen = await probeWith(slow);
    expect(seen).toMatchObject({ level: 'degraded', stateLabel: 'Slow' });
    expect(seen.verdict).toMatch(
      /^Likely on the provider's side: OpenAI's authentication service is answering far more slowly than usual/,
    );
    expect(seen.page).toMatch(/The API has answered slowly since 22 Nov 2026, 12:48 UTC against a usual \d+ ms/);
    expect(seen.page).toContain('3 of them slowly');

    await probeWith(NORMAL);
    seen = await probeWith(NORMAL);
    expect(seen).toMatchObject({ level: 'operational', stateLabel: 'Answering normally', verdict: NORMALLY });
  });

  it('an API no longer probed turns stale after three intervals: Unknown, never its last good word', async () => {
    api = await startFakeApi(NORMAL);
    cycles = 0;
    h = await createHarness({
      catalog: catalogWith([{ ...probingAt(api.url('openai')), statusPage: null }]),
      now: NOW,
      env: { ALLOW_PRIVATE_UPSTREAMS: 'true' },
    });
    rig = probeRig(h);
    await probeWith(NORMAL);
    h.clock.now = NOW + 3 * STEP;
    const json = (await h.app.inject({ url: '/api/v1/providers/openai' })).json();
    expect(json).toMatchObject({ level: 'unknown', probes: { state: 'stale', stateLabel: 'Stale' } });
    const error = textOf((await h.app.inject({ url: '/openai/error/auth-error' })).body);
    expect(error).toContain('No recent probe result; the last one is from 9 min ago.');
    expect(error).not.toContain('answering normally');
  });
});
