// Flashduty status pages (DeepSeek): summary/active (components and open changes) and change/list (history).
import * as z from 'zod';
import { MAIN_DOCUMENT, type Level, type SnapshotComponent, type SnapshotIncident } from '../../domain.ts';
import { DAY_MS } from '../../time.ts';
import { JSON_TYPES, joinUrl, SourceError, type Adapter, type DocumentReading } from '../adapter.ts';
import {
  normaliseImpact,
  normaliseIncidentState,
  normaliseLevel,
  normaliseMaintenanceState,
  worstRead,
  type Normalised,
} from '../normalise.ts';
import { OptionalText, parseJson, parseShape } from '../parse.ts';

/** How far back change/list is asked for: the 90 days our history shows. */
export const FLASHDUTY_HISTORY_DAYS = 90;

const Id = z.union([z.string(), z.number()]).transform(String);
/** Flashduty times are unix seconds; 0 or absent means "not yet". */
const Seconds = z
  .number()
  .nullish()
  .transform((s) => (typeof s === 'number' && s > 0 ? s * 1000 : null));

const Impact = z.object({ component_id: Id, name: z.string().nullish(), status: OptionalText });
const Change = z.object({
  change_id: Id,
  type: OptionalText,
  title: z.string(),
  status: OptionalText,
  description: OptionalText,
  affected_components: z.array(Impact).nullish(),
  start_at_seconds: Seconds,
  end_at_seconds: Seconds,
  close_at_seconds: Seconds,
  updates: z
    .array(
      z.object({
        at_seconds: Seconds,
        description: OptionalText,
        status: OptionalText,
        component_changes: z.array(Impact).nullish(),
      }),
    )
    .nullish(),
});
type Change = z.infer<typeof Change>;

const Section = z.object({ section_id: Id, name: OptionalText, hide_all: z.boolean().nullish() });
const Active = z.object({
  page: z.object({
    page_id: Id,
    custom_domain: OptionalText,
    components: z
      .array(
        z.object({ component_id: Id, name: z.string(), section_id: Id.nullish(), hide_all: z.boolean().nullish() }),
      )
      .nullish(),
    sections: z.array(Section).nullish(),
  }),
  active_changes: z.array(Change),
});
type Row = NonNullable<z.infer<typeof Active>['page']['components']>[number];
const History = z.object({ items: z.array(Change).nullish() });

/** Every answer is wrapped: `{ data }` on success, `{ error }` otherwise. */
const Envelope = z.object({ data: z.unknown().optional(), error: z.unknown().optional() });

function unwrap(body: string, what: string): unknown {
  const envelope = parseShape(Envelope, parseJson(body), what);
  if (envelope.error || envelope.data === undefined)
    throw new SourceError(
      'schema',
      `${what} answered no data: ${JSON.stringify(envelope.error ?? null).slice(0, 200)}`,
    );
  return envelope.data;
}

const CLOSED_WORDS = new Set(['resolved', 'completed', 'cancelled', 'canceled']);
const isClosed = (change: Change) => CLOSED_WORDS.has((change.status ?? '').toLowerCase());
const isMaintenance = (change: Change) => change.type === 'maintenance';

/** The worst component impact the change or any of its updates told, as a level and the raw word that said it. */
const worstImpact = (change: Change): Normalised<Level> | null =>
  worstRead(
    [...(change.affected_components ?? []), ...(change.updates ?? []).flatMap((u) => u.component_changes ?? [])].map(
      (a) => normaliseLevel(a.status),
    ),
  );

/** The page id the catalog URL names: `…/api/status-page/<page_id>`. */
const pageIdOf = (url: string): string | null => /\/status-page\/([^/?#]+)/.exec(url)?.[1] ?? null;

/** Component levels come from the open changes (as on the page itself); an open change naming none is unknown. */
function components(active: z.infer<typeof Active>, rows: Row[]): SnapshotComponent[] {
  const sections = new Map((active.page.sections ?? []).map((s, index) => [s.section_id, { ...s, index }]));
  const current = active.active_changes.filter((c) => !isClosed(c) && (c.status ?? '').toLowerCase() !== 'scheduled');
  return rows.flatMap((row, index) => {
    const section = row.section_id ? sections.get(row.section_id) : undefined;
    if (row.hide_all || section?.hide_all) return [];
    const level = worstRead([
      { value: 'operational', raw: null },
      ...current.flatMap((change): Normalised<Level>[] =>
        change.affected_components
          ? change.affected_components
              .filter((a) => a.component_id === row.component_id)
              .map((a) => normaliseLevel(a.status))
          : [{ value: 'unknown', raw: null }],
      ),
    ])!;
    return [
      {
        key: row.component_id,
        name: row.name,
        groupName: section?.name ?? null,
        position: (section ? section.index + 1 : 0) * 1000 + index,
        level: level.value,
        rawStatus: level.raw,
        onlyShowIfDegraded: false,
      },
    ];
  });
}

function toIncident(change: Change, names: Map<string, string>): SnapshotIncident {
  const maintenance = isMaintenance(change);
  const normalise = maintenance ? normaliseMaintenanceState : normaliseIncidentState;
  const state = normalise(change.status);
  const closed = isClosed(change);
  const startedAt = change.start_at_seconds ?? Math.min(...(change.updates ?? []).map((u) => u.at_seconds ?? Infinity));
  const worst = worstImpact(change);
  const impact = maintenance ? normaliseImpact('maintenance') : normaliseImpact(worst?.raw);
  const updates = (change.updates ?? [])
    .filter((u) => u.at_seconds !== null)
    .map((u, index) => {
      const s = u.status ? normalise(u.status) : state;
      return {
        key: `${u.at_seconds}-${index}`,
        state: s.value,
        rawState: s.raw,
        body: u.description ?? '',
        at: u.at_seconds!,
      };
    });
  if (updates.length === 0 && change.description && Number.isFinite(startedAt))
    updates.push({
      key: `${startedAt}-0`,
      state: state.value,
      rawState: state.raw,
      body: change.description,
      at: startedAt,
    });
  return {
    key: change.change_id,
    kind: maintenance ? 'maintenance' : 'incident',
    title: change.title,
    state: state.value,
    rawState: state.raw,
    impact: impact.value,
    rawImpact: impact.raw,
    url: null,
    startedAt,
    resolvedAt: closed
      ? (change.close_at_seconds ?? change.end_at_seconds ?? Math.max(startedAt, ...updates.map((u) => u.at)))
      : null,
    scheduledFor: maintenance ? change.start_at_seconds : null,
    scheduledUntil: maintenance ? change.end_at_seconds : null,
    updates: updates.sort((a, b) => b.at - a.at),
    components: (change.affected_components ?? []).map((a) => ({
      key: a.component_id,
      name: a.name ?? names.get(a.component_id) ?? a.component_id,
    })),
  };
}

/** A change without any time cannot be placed and is left out. */
const placed = (i: SnapshotIncident) => Number.isFinite(i.startedAt);

function read(document: string, body: string, url: string): DocumentReading {
  if (document !== MAIN_DOCUMENT) {
    const history = parseShape(History, unwrap(body, 'change/list'), 'change/list');
    return { incidents: (history.items ?? []).map((c) => toIncident(c, new Map())).filter(placed) };
  }
  const active = parseShape(Active, unwrap(body, 'summary/active'), 'summary/active');
  const expected = pageIdOf(url);
  if (expected !== null && active.page.page_id !== expected)
    throw new SourceError('schema', `summary/active describes page ${active.page.page_id}, not page ${expected}`);
  const rows = active.page.components;
  const names = new Map((rows ?? []).map((c) => [c.component_id, c.name]));
  return {
    // A page listed without its components keeps the last ones read rather than losing them all.
    ...(rows ? { components: components(active, rows) } : {}),
    incidents: active.active_changes.map((c) => toIncident(c, names)).filter(placed),
    listsAllOpen: true,
  };
}

/** The catalog `url` is the page's API base, `https://statuspage.flashduty.com/api/status-page/<page_id>`. */
export const flashdutyAdapter: Adapter = {
  url: 'base',
  documents: (page, now) => {
    const endAt = Math.floor(now / 60_000) * 60;
    const startAt = endAt - (FLASHDUTY_HISTORY_DAYS * DAY_MS) / 1000;
    return [
      { name: MAIN_DOCUMENT, url: joinUrl(page.url, '/summary/active'), accept: JSON_TYPES },
      {
        name: 'history',
        url: joinUrl(page.url, `/change/list?start_at_seconds=${startAt}&end_at_seconds=${endAt}`),
        accept: JSON_TYPES,
      },
    ];
  },
  read: (document, body, page) => read(document, body, page.url),
};
