// The accountability ranking: only providers with a measured lag, shortest median lag first, then uptime; the others
// apart by name; the counts link to the incidents behind them, each uptime says its coverage, unknown reads "—".
import { describe, expect, it } from 'vitest';
import type { IncidentSpan } from '../../src/status/accountability.ts';
import { MINUTE_MS } from '../../src/time.ts';
import { accountabilityJson, accountabilityRows, accountabilityView } from '../../src/web/pages/accountability.ts';
import type { Uptime } from '../../src/assessment/history.ts';
import { catalogWith, realCatalog } from '../helpers/catalog.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const base = realCatalog().providers;
const catalog = catalogWith(
  ['alpha', 'bravo', 'charlie', 'delta'].map((slug, i) => ({ ...base[i]!, slug, name: slug })),
);

/** One official incident that we saw `lagMinutes` before it was posted. */
function seenFirst(id: number, lagMinutes: number): IncidentSpan[] {
  const posted = NOW - 60 * MINUTE_MS;
  return [
    {
      id,
      origin: 'detected',
      startedAt: posted - lagMinutes * MINUTE_MS,
      endAt: posted + MINUTE_MS,
      firstUpdateAt: null,
    },
    { id: id + 1, origin: 'official', startedAt: posted, endAt: posted + 30 * MINUTE_MS, firstUpdateAt: posted },
  ];
}

describe('accountabilityRows', () => {
  it('ranks only measured lags, lists the others apart, and keeps unknown figures unknown', () => {
    const spans = new Map([
      ['alpha', seenFirst(1, 30)],
      ['bravo', seenFirst(3, 5)],
    ]);
    const figure = (share: number, daysWithData: number) => ({ share, measuredMs: 0, daysWithData, days: 30 });
    const uptime = new Map<string, Uptime>([
      ['charlie', { uptime30d: figure(0.991, 29), uptime90d: figure(0.995, 29) }],
      ['delta', { uptime30d: figure(0.999, 30), uptime90d: figure(0.9995, 30) }],
    ]);
    const rows = accountabilityRows(catalog, spans, uptime, NOW);
    expect(rows.ranked.map((r) => r.provider.slug)).toEqual(['bravo', 'alpha']);
    expect(rows.unranked.map((r) => r.provider.slug)).toEqual(['charlie', 'delta']);
    const json = accountabilityJson(rows, 'https://example.test', NOW);
    expect(json.providers.map((p) => p.rank)).toEqual([1, 2, null, null]);
    expect(json.providers[0]).toEqual({
      slug: 'bravo',
      name: 'bravo',
      rank: 1,
      uptime30d: null,
      uptime90d: null,
      coverage30d: { days: 0, daysWithData: 0, measuredMinutes: 0 },
      coverage90d: { days: 0, daysWithData: 0, measuredMinutes: 0 },
      medianAckLagSeconds: 300,
      worstAckLagSeconds: 300,
      seenFirst: 1,
      unacknowledged: 0,
      missed: 0,
      incidents: 'https://example.test/bravo/history#history-incidents',
    });
    const view = accountabilityView(rows);
    expect(view.uptimeKnown).toBe(true);
    expect(view.rows[0]!.cells.map((c) => c.text)).toEqual(['5 min', '5 min', '1', '0', '0', '—', '—']);
    expect(view.rows[0]!.cells.at(-1)!.note).toBe('(nothing measured)');
    expect(view.rows.map((r) => r.rank)).toEqual([1, 2]);
    expect(view.unranked.map((r) => [r.rank, r.name])).toEqual([
      [null, 'charlie'],
      [null, 'delta'],
    ]);
    expect(view.unranked[1]!.cells.map((c) => c.text)).toEqual(['0', '0', '99.90 %', '99.95 %']);
    expect(view.unranked[0]!.cells.at(-1)!.note).toBe('over 29 days with data');
    const all = [...view.rows, ...view.unranked];
    for (const r of all)
      for (const c of r.cells) {
        const linked = !c.head.startsWith('API uptime') && c.text !== '0';
        expect(c.href, `${r.name} ${c.head}`).toBe(linked ? `${r.href}/history#history-incidents` : null);
      }
  });
});
