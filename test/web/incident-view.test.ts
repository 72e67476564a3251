// Incident timelines: every update newest first, durations from the source's own times, a postmortem link.
import { describe, expect, it } from 'vitest';
import { incidentView } from '../../src/web/blocks/common.ts';
import type { IncidentRow } from '../../src/store/incidents.ts';
import { MINUTE_MS } from '../../src/time.ts';

const NOW = Date.UTC(2026, 11, 5, 12, 0);

const incident = (over: Partial<IncidentRow>): IncidentRow => ({
  id: 1,
  origin: 'official',
  key: 'i1',
  kind: 'incident',
  title: 'Elevated errors',
  state: 'resolved',
  rawState: null,
  impact: 'major',
  rawImpact: null,
  url: 'https://status.example.com/incidents/i1',
  startedAt: NOW - 120 * MINUTE_MS,
  resolvedAt: NOW - 45 * MINUTE_MS,
  scheduledFor: null,
  scheduledUntil: null,
  updatedAt: NOW,
  unlistedAt: null,
  components: [],
  updates: [
    { state: 'resolved', rawState: null, body: 'This incident has been resolved.', at: NOW - 45 * MINUTE_MS },
    { state: 'investigating', rawState: null, body: 'We are investigating.', at: NOW - 120 * MINUTE_MS },
  ],
  ...over,
});

describe('incidentView', () => {
  it('lists every update newest first and sums up with the latest, not the first', () => {
    const view = incidentView(incident({}), NOW);
    expect(view.updates.map((u) => u.state)).toEqual(['Resolved', 'Investigating']);
    expect(view.summary).toBe('This incident has been resolved.');
    expect(view.duration).toBe('Lasted 1 h 15 min');
    expect(view.postmortem).toBeUndefined();
  });

  it('takes the duration from the updates when the source gives one date for the whole event', () => {
    const view = incidentView(incident({ startedAt: NOW - 45 * MINUTE_MS }), NOW);
    expect(view.duration).toBe('Lasted 1 h 15 min');
    const single = incidentView(incident({ startedAt: NOW - 45 * MINUTE_MS, updates: [] }), NOW);
    expect(single.duration).not.toMatch(/Lasted 0 s/);
  });

  it('ends at the resolution, not at a postmortem posted days later, and links the postmortem', () => {
    const postmortem = { state: 'postmortem' as const, rawState: null, body: 'Review published.', at: NOW };
    const row = incident({ startedAt: NOW - 3000 * MINUTE_MS, resolvedAt: NOW - 2900 * MINUTE_MS });
    const view = incidentView({ ...row, state: 'postmortem', updates: [postmortem, ...row.updates] }, NOW);
    expect(view.duration).toBe('Lasted 1 h 40 min');
    expect(view.postmortem).toBe('https://status.example.com/incidents/i1');
  });
});
