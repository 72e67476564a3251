// The demo world against the real server: every scenario reaches its API level within seconds, four levels or more,
// and every page of every scenario says each fact once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/catalog/schema.ts';
import { DEMO_AGENT_REGIONS, FAILING_REGION, SCENARIOS, scenarioLevels } from '../../src/demo/world.ts';
import { textOf } from '../helpers/app.ts';
import { startDemo, type Demo } from '../helpers/demo.ts';

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo();
}, 20_000);
afterAll(async () => demo?.close());

describe('npm run demo', () => {
  it('settles every scenario at its API level and shows at least four different levels', async () => {
    const levels = await demo.settled();
    expect(levels).toEqual(scenarioLevels());
    expect(new Set(Object.values(levels)).size).toBeGreaterThanOrEqual(4);
  }, 40_000);

  it('flags the three providers of the shared cloud together, and no other group', async () => {
    await demo.settled();
    const shared = SCENARIOS.find((s) => s.name === 'shared-cloud')!;
    const list = (await (await fetch(`${demo.origin}/api/v1/providers`)).json()) as {
      correlated: { providers: string[] }[];
    };
    expect(list.correlated.map((g) => [...g.providers].sort())).toEqual([[shared.slug, ...shared.alongside!].sort()]);
    const page = textOf(await (await fetch(`${demo.origin}/${shared.alongside![0]}`)).text());
    expect(page).toContain('also turned degraded or worse between');
  });

  it('serves every provider a page in its format and an API for its probe: each signal it has reads fresh', async () => {
    await demo.settled();
    const stale = SCENARIOS.find((s) => s.name === 'stale-page')!.slug;
    type Row = { slug: string; evidence: unknown[]; signals: Record<'official' | 'probe', { state: string }> };
    const expected = (p: Provider) => ({
      slug: p.slug,
      official: p.statusPage === null ? 'absent' : p.slug === stale ? 'stale' : 'fresh',
      probe: p.probe === null ? 'absent' : 'fresh',
    });
    const want = demo.world.providers.map(expected);
    const read = async () => {
      const body = (await (await fetch(`${demo.origin}/api/v1/providers`)).json()) as { providers: Row[] };
      expect(body.providers.every((p) => p.evidence.length > 0)).toBe(true);
      return body.providers.map((p) => ({
        slug: p.slug,
        official: p.signals.official.state,
        probe: p.signals.probe.state,
      }));
    };
    const until = Date.now() + 30_000;
    let seen = await read();
    while (Date.now() < until && JSON.stringify(seen) !== JSON.stringify(want)) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = await read();
    }
    expect(seen).toEqual(want);
    expect(want.length).toBeGreaterThanOrEqual(40);
  }, 40_000);

  it('shows the models the report spike names', async () => {
    const spike = SCENARIOS.find((s) => s.name === 'report-spike')!;
    const body = (await (await fetch(`${demo.origin}/api/v1/providers/${spike.slug}`)).json()) as {
      reports: { models: { model: string; last24h: number }[] };
    };
    expect(body.reports.models.map((m) => m.model)).toEqual(['sonar-pro', 'sonar']);
  });

  it('remembers a past: OpenAI posted its outage 14 minutes after our probes saw it, and days before read no data', async () => {
    const ranking = (await (await fetch(`${demo.origin}/api/v1/accountability`)).json()) as {
      providers: { slug: string; medianAckLagSeconds: number | null; uptime90d: number | null }[];
    };
    expect(ranking.providers[0]).toMatchObject({ slug: 'openai', medianAckLagSeconds: 14 * 60 });
    expect(ranking.providers[0]!.uptime90d).toBeLessThan(1);
    const history = (await (await fetch(`${demo.origin}/api/v1/providers/openai/history`)).json()) as {
      days: { level: string }[];
    };
    expect(history.days.at(-4)!.level).toBe('major_outage');
    expect(history.days[0]!.level).toBe('no_data');
  });

  it('gives no uptime to a provider we cannot measure, and counts every official outage against its day', async () => {
    const ranking = (await (await fetch(`${demo.origin}/api/v1/accountability`)).json()) as {
      providers: { slug: string; rank: number | null; uptime30d: number | null }[];
    };
    for (const slug of ['writesonic', 'azure-openai'])
      expect(ranking.providers.find((p) => p.slug === slug)).toMatchObject({ uptime30d: null, rank: null });
    expect(ranking.providers.filter((p) => p.rank !== null).map((p) => p.slug)).toEqual(['openai']);
    for (const slug of ['anthropic', 'openai']) {
      const history = (await (await fetch(`${demo.origin}/api/v1/providers/${slug}/history`)).json()) as {
        days: { incidents: number[]; uptime: number | null }[];
        incidents: { id: number; origin: string; kind: string; impact: string }[];
      };
      const outages = history.incidents.filter(
        (i) => i.origin === 'official' && i.kind === 'incident' && ['major', 'critical'].includes(i.impact),
      );
      for (const day of history.days.slice(0, -1))
        if (day.incidents.some((id) => outages.some((o) => o.id === id))) expect(day.uptime, slug).toBeLessThan(1);
    }
  });

  it('says each fact once: no sentence of eight words or more twice on any page of any scenario', async () => {
    const repeats: string[] = [];
    for (const s of SCENARIOS)
      for (const path of pagesOf(s.slug)) {
        const response = await fetch(`${demo.origin}${path}`);
        expect(response.status, path).toBe(200);
        const seen = new Map<string, number>();
        for (const sentence of sentencesOf(await response.text())) {
          const key = sentence.toLowerCase();
          if (sentence.split(' ').length >= 8) seen.set(key, (seen.get(key) ?? 0) + 1);
        }
        for (const [sentence, count] of seen) if (count > 1) repeats.push(`${path} (${count}×): ${sentence}`);
      }
    expect(repeats).toEqual([]);
  });

  it('the sentence check does catch a repeated sentence', () => {
    const page =
      '<p>The status page lists all 4 components as operational.</p><li>The status page lists all 4 components ' +
      'as operational.</li>';
    expect(sentencesOf(page)).toEqual([
      'The status page lists all 4 components as operational.',
      'The status page lists all 4 components as operational.',
    ]);
  });
  it('reads Partly from the one agent region its API fails for; a killed agent turns its region Unknown, not the provider', async () => {
    await demo.settled();
    const regional = SCENARIOS.find((s) => s.name === 'regional-failure')!;
    type Body = { level: string; summary: string; regions: { region: string; state: string }[] };
    const read = async (slug: string) =>
      (await (await fetch(`${demo.origin}/api/v1/providers/${slug}`)).json()) as Body;
    const body = await read(regional.slug);
    expect(body.summary).toMatch(/^Partly: failing from ap-southeast, normal from local, us-east and eu-west\./);
    expect(body.regions.map((r) => [r.region, r.state])).toEqual(
      ['local', ...DEMO_AGENT_REGIONS].map((r) => [r, r === FAILING_REGION ? 'failing' : 'operational']),
    );
    expect(textOf(await (await fetch(`${demo.origin}/${regional.slug}`)).text())).toContain(
      'Partly: failing from ap-southeast',
    );

    // Last in the file: the demo goes on with one agent fewer.
    await demo.agents.get('us-east')!.kill();
    const deadline = Date.now() + 40_000;
    let cohere = await read('cohere');
    while (Date.now() < deadline && cohere.regions.find((r) => r.region === 'us-east')!.state !== 'unknown') {
      await new Promise((resolve) => setTimeout(resolve, 250));
      cohere = await read('cohere');
    }
    expect(cohere.regions.find((r) => r.region === 'us-east')!.state).toBe('unknown');
    expect(cohere.level).toBe('operational');
    expect((await read(regional.slug)).level).toBe('degraded');
  }, 60_000);
});

const pagesOf = (slug: string) => [`/${slug}`, `/${slug}/error/auth-error`, `/${slug}/is-it-down`];

/** The sentences a visitor can read on a page: the body's text, block by block, split after . ! or ?. */
function sentencesOf(html: string): string[] {
  const body = html.replace(/^[\s\S]*?<body[^>]*>/, '').replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ');
  return textOf(
    body.replace(
      new RegExp(
        [
          /<\/?/.source,
          /(p|li|h[1-6]|dt|dd|td|th|summary|figcaption|caption|div|section|legend|label|option|title|text|pre)/.source,
          /\b[^>]*>/.source,
        ].join(''),
        'g',
      ),
      ' ¶ ',
    ),
  )
    .split('¶')
    .flatMap((block) => block.split(/(?<=[.!?])\s+/))
    .map((sentence) =>
      sentence
        .replace(/\s+([.,;:)])/g, '$1')
        .replace(/\(\s+/g, '(')
        .trim(),
    )
    .filter((sentence) => sentence !== '');
}
