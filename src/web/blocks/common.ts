// View-model pieces shared by pages: times, level tones, status headline, signals, components and incidents.
import { LEVEL_LABELS, SIGNAL_LABELS, type ComponentScope, type Level, type Signal } from '../../domain.ts';
import type { AssessedComponent, ComponentSince } from '../../status/assess.ts';
import { describeFailure } from '../../status/official.ts';
import type { Reason, SignalState } from '../../status/types.ts';
import { DAY_MS, formatAgo, formatDuration, formatUtc, HOUR_MS, MINUTE_MS, SECOND_MS, toIso } from '../../time.ts';
import { INCIDENT_WINDOW_MS, type ProviderData } from '../../assessment/signals.ts';
import { isOpen } from '../../status/incidents.ts';
import type { IncidentRow } from '../../store/incidents.ts';
import { officialPageHref, safeHref } from './text.ts';

export type TimeView = { iso: string; utc: string; ago: string };

/** What a chart's window of whole hours is called after "the last": "hour", "5 hours". */
export const lastHoursWords = (windowMs: number): string => {
  const hours = Math.round(windowMs / HOUR_MS);
  return hours === 1 ? 'hour' : `${hours} hours`;
};

/** A span as a sentence says it, from its constant: "30 minutes", "hour", "24 hours", "90 days". */
export function spanWords(ms: number): string {
  if (ms >= 2 * DAY_MS && ms % DAY_MS === 0) return `${ms / DAY_MS} days`;
  if (ms >= HOUR_MS && ms % HOUR_MS === 0) return lastHoursWords(ms);
  return `${Math.round(ms / MINUTE_MS)} minutes`;
}

export const timeView = (at: number | null | undefined, now: number): TimeView | null =>
  at === null || at === undefined ? null : { iso: toIso(at), utc: formatUtc(at), ago: formatAgo(at, now) };

/** CSS tone per level: the colour is never the only carrier, the label always goes with it. */
export const LEVEL_TONES: Record<Level, string> = {
  operational: 'ok',
  maintenance: 'info',
  degraded: 'warn',
  partial_outage: 'bad',
  major_outage: 'critical',
  unknown: 'unknown',
};

export type LevelView = { level: Level; label: string; tone: string };
export const levelView = (level: Level): LevelView => ({ level, label: LEVEL_LABELS[level], tone: LEVEL_TONES[level] });

export type ReasonView = { signal: string; text: string; tone: string; at: TimeView | null };
export const reasonViews = (reasons: readonly Reason[], now: number): ReasonView[] =>
  reasons.map((r) => ({
    signal: r.signal ? SIGNAL_LABELS[r.signal] : 'All signals',
    text: r.text,
    tone: LEVEL_TONES[r.level ?? 'unknown'],
    at: timeView(r.at, now),
  }));

const STATE_WORDS: Record<SignalState, string> = {
  fresh: 'Fresh',
  stale: 'Stale',
  never: 'No data yet',
  absent: 'Not available',
  quiet: 'Nothing unusual',
  suspended: 'Suspended',
  suspect: 'Suspect',
};

export type SignalView = {
  signal: Signal;
  name: string;
  state: SignalState;
  stateLabel: string;
  level: LevelView;
  summary: string;
  /** "Last good reading", or "Last report" for the community signal, which is never polled. */
  timeLabel: string;
  /** The last good reading (a failed attempt is never shown as one). */
  time: TimeView | null;
  /** Set when the attempts since the last good reading fail: since when and how. */
  failing: { since: TimeView; how: string; text: string } | null;
};

export function signalViews(data: ProviderData): SignalView[] {
  return Object.values(data.status.signals).map((s) => {
    const since = s.failing ? timeView(s.failing.since, data.now)! : null;
    return {
      signal: s.signal,
      name: SIGNAL_LABELS[s.signal],
      state: s.state,
      stateLabel: STATE_WORDS[s.state],
      level: levelView(s.level),
      summary: s.summary,
      timeLabel: s.signal === 'community' ? 'Last report' : 'Last good reading',
      time: timeView(s.okAt, data.now),
      failing:
        s.failing && since
          ? {
              since,
              how: s.failing.how,
              text: `Failing since ${since.utc} (${since.ago}): ${s.failing.how}.`,
            }
          : null,
    };
  });
}

export type ScopeView = LevelView & { summary: string; reasons: ReasonView[]; components: string[] };

export type HeadlineView = LevelView & {
  reasons: ReasonView[];
  /** The last good reading behind the headline, with its label; never a failed attempt. */
  checkedLabel: string;
  checked: TimeView | null;
  signals: SignalView[];
  /** The products (apps, web chat, console) apart from the API; null when the provider has none. */
  products: ScopeView | null;
};

export function headlineView(data: ProviderData): HeadlineView {
  const products = data.assessment.products;
  return {
    ...levelView(data.status.level),
    reasons: reasonViews(data.status.reasons, data.now),
    checkedLabel: 'Last good reading',
    checked: timeView(data.status.lastGoodAt, data.now),
    signals: signalViews(data),
    products: products
      ? {
          ...levelView(products.level),
          summary: products.summary,
          reasons: reasonViews(products.reasons, data.now),
          components: products.components,
        }
      : null,
  };
}

/** A component's "since": when the source says its state began or we saw it change, else "first seen at". */
export type ComponentRowView = {
  name: string;
  status: LevelView;
  scope: ComponentScope;
  sinceLabel: string;
  since: TimeView | null;
};
export type ComponentGroupView = { name: string | null; components: ComponentRowView[] };

const SINCE_LABELS: Record<ComponentSince['basis'], string> = {
  source: 'since',
  observed: 'since',
  first_seen: 'first seen at',
};

export const componentRowView = (c: AssessedComponent, now: number): ComponentRowView => ({
  name: c.name,
  status: levelView(c.level),
  scope: c.scope,
  sinceLabel: SINCE_LABELS[c.since.basis],
  since: timeView(c.since.at, now),
});
export type ComponentsView = { groups: ComponentGroupView[]; note: string | null; official: boolean };

/** Feeds and GCP's incident list carry no components; other formats may simply not have given any yet. */
const NO_COMPONENTS = (format: string | undefined): string =>
  format === 'feed' || format === 'gcp'
    ? 'The official source lists incidents only, not components.'
    : 'No components have been read from the official status page.';

export function componentsView(data: ProviderData): ComponentsView {
  if (data.components === null) {
    const note = data.provider.statusPage
      ? 'Not read from the official status page yet: these are the components it usually lists.'
      : 'There is no official status page to read component status from.';
    return {
      official: false,
      note,
      groups: [
        {
          name: null,
          components: data.provider.components.map(({ name, scope }) => ({
            name,
            scope,
            status: levelView('unknown'),
            sinceLabel: 'since',
            since: null,
          })),
        },
      ],
    };
  }
  const groups = new Map<string | null, ComponentGroupView>();
  const shown = (data.assessment.components ?? []).filter((c) => !c.onlyShowIfDegraded || c.level !== 'operational');
  // "First seen" is ours, not the source's: said once above the table, never per row.
  const firstSeen = shown.filter((c) => c.since.basis === 'first_seen').map((c) => c.since.at);
  for (const c of shown) {
    const group = groups.get(c.groupName) ?? { name: c.groupName, components: [] };
    const row = componentRowView(c, data.now);
    group.components.push(c.since.basis === 'first_seen' ? { ...row, since: null } : row);
    groups.set(c.groupName, group);
  }
  const seenFrom = timeView(firstSeen.length ? Math.min(...firstSeen) : null, data.now);
  const seenTo = timeView(firstSeen.length ? Math.max(...firstSeen) : null, data.now);
  const stale = data.status.signals.official.state !== 'fresh';
  const readAt = timeView(data.officialCheck.lastOkAt, data.now);
  const notes = [
    stale && readAt ? `As the official status page last showed them, ${readAt.ago} (${readAt.utc}).` : null,
    data.components.length === 0 ? NO_COMPONENTS(data.provider.statusPage?.format) : null,
    seenFrom && seenTo
      ? `Unless a time is given, a component's state was first seen ` +
        (seenFrom.utc === seenTo.utc ? `at ${seenFrom.utc}` : `between ${seenFrom.utc} and ${seenTo.utc}`) +
        `, our first reading of the page: it gives no start time.`
      : null,
  ].filter((n): n is string => n !== null);
  return { official: true, note: notes.length > 0 ? notes.join(' ') : null, groups: [...groups.values()] };
}

export type OfficialCheckView = {
  /** "Could not be read since 12:00 UTC: it answered with an HTTP error (500)." when the latest attempt failed. */
  failure: string | null;
  stale: boolean;
};

export function officialCheckView(data: ProviderData): OfficialCheckView {
  const check = data.officialCheck;
  const since = timeView(check.failingSince, data.now);
  const failure =
    check.lastFailure && since
      ? `Could not be read since ${since.utc} (${since.ago}): ` +
        `${describeFailure(check.lastFailure.outcome, check.lastFailure.httpStatus)}.`
      : null;
  return { failure, stale: data.status.signals.official.state === 'stale' };
}

const STATE_LABELS: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  postmortem: 'Postmortem',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
  unknown: 'Open',
};

/** A state label; an unknown state shows the upstream's own word when it gave one. */
function stateLabel(state: string, raw: string | null): string {
  if (state === 'unknown' && raw)
    return raw
      .replace(/_/g, ' ')
      .toLowerCase()
      .replace(/^./, (c) => c.toUpperCase());
  return STATE_LABELS[state] ?? state;
}

const IMPACT_VIEWS: Record<string, { label: string; tone: string }> = {
  none: { label: 'No impact', tone: 'info' },
  minor: { label: 'Minor', tone: 'warn' },
  major: { label: 'Major', tone: 'bad' },
  critical: { label: 'Critical', tone: 'critical' },
  maintenance: { label: 'Maintenance', tone: 'info' },
  unknown: { label: 'Impact not stated', tone: 'unknown' },
};

export type IncidentView = {
  title: string;
  kind: 'incident' | 'maintenance';
  origin: string;
  /** Maintenance's is "Maintenance": its kind, which the pages say once. */
  impact: { label: string; tone: string };
  state: string;
  open: boolean;
  /** Scheduled maintenance that has not started yet. */
  upcoming: boolean;
  /** The latest update (what is known now), cut to a line, for one-line lists and the answer block. */
  summary: string | null;
  started: TimeView | null;
  ended: TimeView | null;
  scheduledFor: TimeView | null;
  scheduledUntil: TimeView | null;
  duration: string;
  url: string | undefined;
  /** The source's postmortem, when it published one (its incident page then carries it). */
  postmortem: string | undefined;
  components: string[];
  /** Every update, newest first. */
  updates: { state: string; body: string; at: TimeView | null }[];
  /** "We detected this 12 min before Acme posted it.", for an official incident we saw first. */
  ackLag: string | null;
};

/** The text cut at a word to at most `max` characters, with an ellipsis when cut. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, text.lastIndexOf(' ', max - 1))}…`;
}

/** What the provider's name and our acknowledgement lag (seconds, null when we did not see it first) add. */
export type IncidentContext = { providerName: string; ackLagSeconds: number | null };

/**
 * The span the source's own times give: its start (or first update) to its end. Some feeds give one date for the
 * whole event; then its last update before any postmortem says when it ended.
 */
function sourceSpan(incident: IncidentRow): { start: number; end: number | null } {
  const start = Math.min(incident.startedAt, ...incident.updates.map((u) => u.at));
  const end = incident.resolvedAt;
  if (end === null || end > start) return { start, end };
  return { start, end: Math.max(end, ...incident.updates.filter((u) => u.state !== 'postmortem').map((u) => u.at)) };
}

function durationOf(incident: IncidentRow, now: number, unlisted: TimeView | null): string {
  const { start, end } = sourceSpan(incident);
  if (end !== null)
    return end > start ? `Lasted ${formatDuration(end - start)}` : 'The source gives no duration (one time only)';
  if (unlisted) return `No longer listed by the official source since ${unlisted.utc}, which gave no end time`;
  if (incident.kind === 'maintenance' && incident.state === 'scheduled') return 'Not started yet';
  return `Ongoing for ${formatDuration(now - start)}`;
}

export function incidentView(incident: IncidentRow, now: number, context?: IncidentContext): IncidentView {
  const lag = context?.ackLagSeconds ?? null;
  const open = isOpen(incident);
  const unlisted = incident.resolvedAt === null ? timeView(incident.unlistedAt, now) : null;
  const url = safeHref(incident.url);
  const maintenance = incident.kind === 'maintenance';
  return {
    title: incident.title,
    kind: incident.kind,
    origin: incident.origin === 'official' ? 'Official' : 'Detected by us',
    impact: IMPACT_VIEWS[incident.impact] ?? IMPACT_VIEWS.unknown!,
    state: unlisted ? 'No longer listed' : stateLabel(incident.state, incident.rawState),
    open,
    upcoming: maintenance && incident.state === 'scheduled',
    summary: incident.updates.length > 0 ? shorten(incident.updates[0]!.body, 140) : null,
    started: timeView(sourceSpan(incident).start, now),
    ended: timeView(sourceSpan(incident).end, now),
    scheduledFor: timeView(incident.scheduledFor, now),
    scheduledUntil: timeView(incident.scheduledUntil, now),
    duration: durationOf(incident, now, unlisted),
    url,
    postmortem:
      incident.updates.some((u) => u.state === 'postmortem') || incident.state === 'postmortem' ? url : undefined,
    components: incident.components.map((c) => c.name),
    updates: incident.updates.map((u) => ({
      state: stateLabel(u.state, u.rawState),
      body: u.body,
      at: timeView(u.at, now),
    })),
    ackLag:
      lag !== null && context
        ? `We detected this ${formatDuration(lag * SECOND_MS)} before ${context.providerName} posted it.`
        : null,
  };
}

export const incidentContext = (data: ProviderData, incident: IncidentRow): IncidentContext => ({
  providerName: data.provider.name,
  ackLagSeconds: data.ackLags.get(incident.id) ?? null,
});

export type IncidentsView = {
  /** Ongoing incidents and maintenance in progress, then upcoming maintenance. */
  ongoing: IncidentView[];
  upcoming: IncidentView[];
  /** Closed incidents, newest first: one line each. */
  closed: IncidentView[];
  note: string | null;
  /** Closed incidents listed; the rest are on the dashboard. */
  closedShown: number;
  moreHref: string;
  /** The span listed: "30 days". */
  window: string;
};

/** A status page's stock update ("A fix has been implemented…") said again by a later incident keeps its state and time. */
function saidOnce(lists: IncidentView[][]): IncidentView[][] {
  const seen = new Set<string>();
  return lists.map((list) =>
    list.map((i) => ({
      ...i,
      updates: i.updates.map((u) => {
        const key = u.body.trim().toLowerCase();
        if (key.split(/\s+/).length < 8) return u;
        if (seen.has(key)) return { ...u, body: '(the same words as above)' };
        seen.add(key);
        return u;
      }),
    })),
  );
}

/** Incidents of the last INCIDENT_WINDOW_MS: ongoing first, then upcoming maintenance, then resolved, each newest first. */
export function incidentsView(data: ProviderData, options: { closedShown?: number } = {}): IncidentsView {
  const view = (i: IncidentRow) => incidentView(i, data.now, incidentContext(data, i));
  const newest = (list: IncidentRow[]) => [...list].sort((a, b) => b.startedAt - a.startedAt);
  const listed = data.incidents.filter((i) => i.kind === 'incident' || i.unlistedAt === null);
  const upcoming = listed.filter((i) => i.kind === 'maintenance' && i.state === 'scheduled');
  const ongoing = listed.filter((i) => isOpen(i) && !upcoming.includes(i));
  const closed = listed.filter((i) => i.kind === 'incident' && !isOpen(i));
  const readAt = timeView(data.officialCheck.lastOkAt, data.now);
  const note =
    data.provider.statusPage === null
      ? 'We read no official status page, so only incidents we detected ourselves appear here.'
      : readAt === null
        ? 'The official status page has not been read yet.'
        : data.status.signals.official.state === 'stale'
          ? `As the official status page last showed them, ${readAt.ago} (${readAt.utc}); it could not be read since.`
          : null;
  const lists = saidOnce([
    newest(ongoing).map(view),
    [...upcoming].sort((a, b) => (a.scheduledFor ?? a.startedAt) - (b.scheduledFor ?? b.startedAt)).map(view),
    newest(closed).map(view),
  ]);
  return {
    ongoing: lists[0]!,
    upcoming: lists[1]!,
    closed: lists[2]!,
    note,
    closedShown: options.closedShown ?? closed.length,
    moreHref: `/${data.provider.slug}`,
    window: spanWords(INCIDENT_WINDOW_MS),
  };
}

export type LinkView = { label: string; href: string };

/** Where a developer goes next: the provider's key page, its official status page and its own resources, once each. */
export function resourceLinks(data: ProviderData): LinkView[] {
  const p = data.provider;
  const links: LinkView[] = [{ label: `${p.name} API keys`, href: p.keysUrl }];
  const statusHref = officialPageHref(p);
  if (statusHref) links.push({ label: `${p.name} official status page`, href: statusHref });
  for (const r of p.resources) links.push({ label: r.label, href: r.url });
  const seen = new Set<string>();
  return links.filter((l) => (seen.has(l.href) ? false : (seen.add(l.href), true)));
}
