// The answer block that opens the dashboard, error pages and is-it-down: the level of what the page is about, the
// verdict or answer in one sentence, one line per signal (its state and the age of its last good reading), and the
// evidence behind it, folded.
import { SIGNAL_LABELS, SIGNALS, type Signal } from '../../domain.ts';
import type { Reason, SignalReading } from '../../status/types.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import type { IncidentRow } from '../../store/incidents.ts';
import { isOpen } from '../../status/incidents.ts';
import {
  incidentView,
  shorten,
  LEVEL_TONES,
  levelView,
  reasonViews,
  timeView,
  type LevelView,
  type ReasonView,
  type TimeView,
} from './common.ts';
import { correlatedLine, type CorrelatedLineView, type NameOf } from './correlated.ts';
import { probeStateLabel } from './live.ts';
import { listRegions, regionalQuorum, type RegionState, type RegionView } from '../../status/regions.ts';

export type SignalLineView = {
  signal: Signal;
  name: string;
  /** A few words: "Operational", "Answering normally", "Stale", "Nothing unusual", "None for this provider". */
  state: string;
  tone: string;
  /** The last good reading ("read", "last normal answer", "last report") and its age; null when there is none. */
  good: { label: string; at: TimeView } | null;
  /** Attempts since the last good reading fail: since when, and how. */
  failing: { since: TimeView; how: string } | null;
  /** What the source itself has become ("now answers as Better Stack"); null when nothing changed. */
  notice: string | null;
  /** The probe's regions when they all say the same: "all 4 regions"; null otherwise. */
  from: string | null;
  /** One line per probe region when they do not all say the same; empty otherwise. */
  regions: RegionLineView[];
};

/** What one probe region says: "ap-southeast: Failing · failing since 4 min ago: the API answers 503". */
export type RegionLineView = {
  /** One region, or the regions that share the line: "us-east and local". */
  region: string;
  state: string;
  tone: string;
  good: TimeView | null;
  failing: { since: TimeView; how: string } | null;
};

export type AnswerView = {
  /** What the page is about: "Anthropic API". */
  subject: string;
  level: LevelView;
  /** The verdict (error pages) or the answer (is-it-down), when the page gives one. */
  verdict: { key: string; label: string; tone: string; text: string } | null;
  /** The verdict leads and the level follows it (is-it-down), instead of the level leading. */
  lead: boolean;
  lines: SignalLineView[];
  evidence: ReasonView[];
  /** The open incident or maintenance in progress that drives the API's level, newest impact first. */
  driver: DriverView | null;
  /** The API components the official page lists in trouble: "Chat Completions: Major Outage". */
  failing: { name: string; status: LevelView }[];
  /** The provider's products (apps, console, login) apart from the API, in one short line. */
  products: (LevelView & { summary: string }) | null;
  /** Other providers that turned degraded or worse together with this one. */
  correlated: CorrelatedLineView | null;
};

/** What the first screen says of the incident behind the level: title, latest update, since when, where to read. */
export type DriverView = {
  kind: string;
  tone: string;
  title: string;
  href: string;
  external: boolean;
  latest: { state: string; text: string; at: TimeView | null } | null;
  since: TimeView | null;
};

const IMPACT_ORDER = ['critical', 'major', 'minor', 'unknown', 'none', 'maintenance'];

/**
 * The open API incident (official or detected) or maintenance in progress with the worst impact, the newest
 * among equals; none while the API reads operational or unknown and nothing is open on it.
 */
function driverOf(data: ProviderData, withUpdate: boolean): DriverView | null {
  const api = data.assessment.openIncidents.filter((i) => i.scope === 'api');
  const isApi = (i: IncidentRow) =>
    i.origin === 'detected' || api.some((a) => a.title === i.title && a.startedAt === i.startedAt);
  const open = data.openIncidents.filter(
    (i) => isOpen(i) && isApi(i) && !(i.kind === 'maintenance' && i.state === 'scheduled'),
  );
  const rank = (i: IncidentRow) => IMPACT_ORDER.indexOf(i.kind === 'maintenance' ? 'maintenance' : i.impact);
  const top = open.sort((a, b) => rank(a) - rank(b) || b.startedAt - a.startedAt)[0];
  if (!top) return null;
  const view = incidentView(top, data.now);
  const latest = view.updates[0];
  return {
    kind: top.kind === 'maintenance' ? 'Maintenance' : top.origin === 'detected' ? 'Detected by us' : view.impact.label,
    tone: top.kind === 'maintenance' ? 'info' : view.impact.tone,
    title: view.title,
    href: view.url ?? `/${data.provider.slug}#incidents`,
    external: view.url !== undefined,
    // A detected incident's updates are our own signals' words, which the lines below already say.
    latest:
      withUpdate && latest && top.origin === 'official'
        ? { state: latest.state, text: view.summary ?? '', at: latest.at }
        : null,
    since: view.started,
  };
}

function failingComponents(data: ProviderData): AnswerView['failing'] {
  if (data.status.signals.official.state !== 'fresh') return [];
  return (data.assessment.components ?? [])
    .filter((c) => c.scope === 'api' && c.level !== 'operational' && c.level !== 'unknown')
    .map((c) => ({ name: c.name, status: levelView(c.level) }));
}

const VERDICT_TONES: Record<string, string> = {
  your_side: 'ok',
  provider_side: 'bad',
  inconclusive: 'unknown',
  yes: 'critical',
  partly: 'warn',
  no: 'ok',
  unknown: 'unknown',
};

const SHORT_STATES: Record<SignalReading['state'], string> = {
  fresh: 'Fresh',
  stale: 'Stale',
  never: 'No good reading yet',
  absent: 'None for this provider',
  quiet: 'Nothing unusual',
  suspended: 'Suspended',
  suspect: 'Suspect',
};

const REGION_STATE_LABELS: Record<RegionState, { state: string; tone: string }> = {
  operational: { state: 'Answering normally', tone: 'ok' },
  slow: { state: 'Slow', tone: 'warn' },
  failing: { state: 'Failing', tone: 'bad' },
  suspended: { state: 'Suspended: our fault there', tone: 'unknown' },
  stale: { state: 'Stale', tone: 'unknown' },
  unknown: { state: 'Unknown', tone: 'unknown' },
};

function regionLine(v: RegionView, now: number): RegionLineView {
  const failing = v.reading.failing;
  return {
    region: v.region,
    ...REGION_STATE_LABELS[v.state],
    // A region that answers says when only by its state: "last normal answer" matters once it stopped.
    good: SHARED_STATES.includes(v.state) ? null : timeView(v.lastGood, now),
    failing: failing && v.state === 'failing' ? { since: timeView(failing.since, now)!, how: failing.how } : null,
  };
}

/** Regions in these states say nothing more than their state: they share one line ("us-east and local: …"). */
const SHARED_STATES: readonly RegionState[] = ['operational', 'slow'];

/**
 * The probe's regions, folded into the probe line when they all say the same, else one line per region (those that
 * answer normally, or slowly, share theirs).
 */
export function regionLines(data: ProviderData): Pick<SignalLineView, 'from' | 'regions'> {
  const views = data.assessment.regions;
  if (views.length <= 1) return { from: null, regions: [] };
  if (views.every((v) => v.state === views[0]!.state)) return { from: `all ${views.length} regions`, regions: [] };
  const lines: (RegionLineView & { key: RegionState; names: string[] })[] = [];
  for (const v of views) {
    const shared = SHARED_STATES.includes(v.state) ? lines.find((l) => l.key === v.state) : undefined;
    if (shared) shared.names.push(v.region);
    else lines.push({ key: v.state, names: [v.region], ...regionLine(v, data.now) });
  }
  return {
    from: null,
    regions: lines.map(({ key: _key, names, ...line }) => ({ ...line, region: listRegions(names) })),
  };
}

function lineOf(data: ProviderData, reading: SignalReading): SignalLineView {
  const base = { signal: reading.signal, name: SIGNAL_LABELS[reading.signal], from: null, regions: [] };
  const at = timeView(reading.okAt, data.now);
  if (reading.signal === 'community') {
    const community = data.community;
    return {
      ...base,
      state:
        reading.state === 'fresh'
          ? `${community.recent} reports in ${Math.round(community.windowMs / 60_000)} min, above the usual level`
          : SHORT_STATES[reading.state],
      tone: LEVEL_TONES[reading.state === 'fresh' ? reading.level : 'operational'],
      good: at ? { label: 'last report', at } : null,
      failing: null,
      notice: null,
    };
  }
  if (reading.state === 'absent')
    return { ...base, state: SHORT_STATES.absent, tone: 'unknown', good: null, failing: null, notice: null };
  // Some regions failing while others answer is neither "Slow" nor "Failing": the region lines below say which.
  const partly = reading.signal === 'probe' && regionalQuorum(data.assessment.regions) === 'partly';
  const state = partly
    ? 'Partly failing'
    : reading.signal === 'probe'
      ? probeStateLabel(reading)
      : reading.state === 'fresh'
        ? levelView(reading.level).label
        : SHORT_STATES[reading.state];
  return {
    ...base,
    state,
    tone: LEVEL_TONES[reading.level],
    good: at ? { label: reading.signal === 'probe' ? 'last normal answer' : 'read', at } : null,
    failing: reading.failing ? { since: timeView(reading.failing.since, data.now)!, how: reading.failing.how } : null,
    notice: reading.notice ?? null,
    ...(reading.signal === 'probe' ? regionLines(data) : {}),
  };
}

function productsLine(data: ProviderData, mode: 'all' | 'trouble'): AnswerView['products'] {
  const products = data.assessment.products;
  if (!products || (mode === 'trouble' && products.level === 'operational')) return null;
  const summary = products.level === 'operational' || products.level === 'unknown' ? '' : shorten(products.summary, 90);
  return { ...levelView(products.level), summary };
}

export function signalLines(data: ProviderData): SignalLineView[] {
  return SIGNALS.map((s) => lineOf(data, data.status.signals[s]));
}

export function answerView(
  data: ProviderData,
  options: {
    subject: string;
    verdict?: { key: string; label: string; text: string };
    evidence?: readonly Reason[];
    lead?: boolean;
    /** The dashboard's first screen: the driving incident's latest update and the API components in trouble. */
    full?: boolean;
    /** `all`: always (dashboard); `trouble`: only when they are not operational. */
    products?: 'all' | 'trouble';
    /** Names the other providers in trouble together with this one (see correlated.ts). */
    nameOf: NameOf;
  },
): AnswerView {
  return {
    subject: options.subject,
    level: levelView(data.status.level),
    verdict: options.verdict ? { ...options.verdict, tone: VERDICT_TONES[options.verdict.key] ?? 'unknown' } : null,
    lead: options.lead === true,
    lines: signalLines(data),
    driver: driverOf(data, options.full === true),
    failing: options.full ? failingComponents(data) : [],
    products: options.products ? productsLine(data, options.products) : null,
    correlated: correlatedLine(data, options.nameOf),
    // A reason the verdict's sentence already quotes is not listed again.
    evidence: reasonViews(
      (options.evidence ?? data.status.reasons).filter((r) => !options.verdict?.text.includes(r.text)),
      data.now,
    ),
  };
}
