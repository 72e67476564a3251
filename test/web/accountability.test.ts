// The accountability ranking: shortest median lag first, providers we never saw first after them, then uptime; the
// figures link to the incidents behind them, and unknown uptime reads "no data".
import { describe, expect, it } from 'vitest';
import type { IncidentSpan } from '../../src/status/accountability.ts';
import { MINUTE_MS } from '../../src/time.ts';
import {
  accountabilityJson,
  accountabilityRows,
  accountabilityView,
} from '../../src/web/view-models/accountability.ts';
import type { Uptime } from '../../src/web/history-data.ts';
import { catalogWith, realCatalog } from '../helpers/app.ts';

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
  it('ranks by median lag, then 90-day uptime, and keeps unknown figures unknown', () => {
    const spans = new Map([
      ['alpha', seenFirst(1, 30)],
      ['bravo', seenFirst(3, 5)],
    ]);
    const uptime = new Map<string, Uptime>([
      ['charlie', { uptime30d: 0.991, uptime90d: 0.995 }],
      ['delta', { uptime30d: 0.999, uptime90d: 0.9995 }],
    ]);
    const rows = accountabilityRows(catalog, spans, uptime, NOW);
    expect(rows.map((r) => r.provider.slug)).toEqual(['bravo', 'alpha', 'delta', 'charlie']);
    const json = accountabilityJson(rows, 'https://example.test', NOW);
    expect(json.providers[0]).toEqual({
      slug: 'bravo',
      name: 'bravo',
      uptime30d: null,
      uptime90d: null,
      medianAckLagSeconds: 300,
      worstAckLagSeconds: 300,
      seenFirst: 1,
      unacknowledged: 0,
      missed: 0,
      incidents: 'https://example.test/bravo/history#history-incidents',
    });
    const view = accountabilityView(rows);
    expect(view.uptimeKnown).toBe(true);
    expect(view.rows[0]!.cells.map((c) => c.text)).toEqual(['5 min', '5 min', '1', '0', '0', 'no data', 'no data']);
    expect(view.rows[2]!.cells.map((c) => c.text)).toEqual(['—', '—', '0', '0', '0', '99.90 %', '99.95 %']);
    expect(view.rows.every((r) => r.cells.every((c) => c.href === `${r.href}/history#history-incidents`))).toBe(true);
  });
});
