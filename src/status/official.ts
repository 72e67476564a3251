// The official signal: what the provider's own status page says, and whether that reading is fresh.
import { LEVEL_LABELS, type CheckOutcome, type Impact, type IncidentKind, type Level } from '../domain.ts';
import { DAY_MS, formatUtc } from '../time.ts';
import { ageText, isFresh } from './freshness.ts';
import { levelOfImpact, rank, worstLevel, type KnownLevel } from './levels.ts';
import type { Reason, SignalReading } from './types.ts';

export type OfficialInput = {
  configured: boolean;
  intervalMs: number;
  lastAttemptAt: number | null;
  lastOkAt: number | null;
  /** Set when the latest attempt failed. */
  failure: { since: number; outcome: CheckOutcome; httpStatus: number | null } | null;
  components: readonly { name: string; level: Level }[];
  openIncidents: readonly { title: string; kind: IncidentKind; impact: Impact; state: string; startedAt: number }[];
  /** The page's own rollup (Statuspage `status.indicator`), when the page gives one. */
  pageLevel: Level | null;
  /** What the components are, in words ("API ", "product "), when the reading covers only some of them. */
  scopeWord?: string;
  /** Set when the page was found answering as another platform than the catalog's: which, and when. */
  moved?: { platform: string; catalogPlatform: string; at: number } | null;
};

const FAILURE_WORDS: Record<string, string> = {
  timeout: 'it did not answer in time',
  network: 'the connection failed',
  dns: 'its name did not resolve',
  tls: 'the TLS handshake failed',
  http: 'it answered with an HTTP error',
  parse: 'its answer could not be read',
  schema: 'its answer had an unexpected shape',
  too_large: 'its answer was too large',
  content_type: 'it answered with the wrong content type',
  blocked: 'its address is not allowed',
  redirect: 'it redirected too often or to a forbidden address',
};

export function describeFailure(outcome: CheckOutcome, httpStatus: number | null): string {
  const words = FAILURE_WORDS[outcome] ?? outcome;
  return outcome === 'http' && httpStatus !== null ? `${words} (${httpStatus})` : words;
}

/**
 * The level the components support. One component in major outage on a page of several is a partial
 * outage of the provider; only every component down (or the page itself saying so) makes it major.
 */
function componentsLevel(components: OfficialInput['components']): KnownLevel {
  const worst = worstLevel(components.map((c) => c.level));
  if (worst !== 'major_outage') return worst;
  return components.every((c) => c.level === 'major_outage') ? 'major_outage' : 'partial_outage';
}

function officialReasons(input: OfficialInput, at: number): { level: KnownLevel; reasons: Reason[] } {
  const reasons: Reason[] = [];
  const add = (level: KnownLevel, text: string, when = at) =>
    reasons.push({ signal: 'official', level, text, at: when });

  const fromComponents = componentsLevel(input.components);
  const down = input.components.filter((c) => c.level === 'major_outage').length;
  for (const c of input.components) {
    if (c.level === 'operational' || c.level === 'unknown') continue;
    if (c.level === 'major_outage' && fromComponents === 'partial_outage') {
      add(
        'partial_outage',
        `The status page lists ${c.name} as ${LEVEL_LABELS[c.level]} (${down} of ${input.components.length} ` +
          `components down: a partial outage).`,
      );
    } else add(c.level, `The status page lists ${c.name} as ${LEVEL_LABELS[c.level]}.`);
  }
  for (const i of input.openIncidents) {
    const level = levelOfImpact(i.impact);
    const what =
      i.kind === 'maintenance' ? 'Maintenance in progress' : `Open incident (${i.impact} impact, ${i.state})`;
    add(level, `${what}: ${i.title}, since ${formatUtc(i.startedAt)}.`, i.startedAt);
  }
  if (input.pageLevel && input.pageLevel !== 'operational' && input.pageLevel !== 'unknown') {
    add(input.pageLevel, `The status page's overall status is ${LEVEL_LABELS[input.pageLevel]}.`);
  }
  const level = worstLevel([
    fromComponents,
    ...input.openIncidents.map((i) => levelOfImpact(i.impact)),
    input.pageLevel ?? 'operational',
  ]);
  if (level === 'operational') {
    const count = input.components.length;
    const word = input.scopeWord ?? '';
    const which = count === 1 ? `its ${word}component` : `all ${count} ${word}components`;
    const on = word ? ` on ${count === 1 ? 'it' : 'them'}` : '';
    add(
      'operational',
      count > 0
        ? `The status page lists ${which} as operational, with no open incident${on}.`
        : `The status page reports no open incident${word ? ` on the ${word.trim()}` : ''}.`,
    );
  }
  return { level, reasons: reasons.sort((a, b) => rank(b.level) - rank(a.level)) };
}

/** The reading with what the page itself is now, said: a moved platform is never kept quiet. */
function withMove(reading: SignalReading, input: OfficialInput): SignalReading {
  const m = input.moved;
  if (!m) return reading;
  const text =
    `The status page no longer answers as ${m.catalogPlatform}: since ${formatUtc(m.at)} it answers as ` +
    `${m.platform}, and we read it as that.`;
  return {
    ...reading,
    reasons: [...reading.reasons, { signal: 'official', level: null, text, at: m.at }],
    notice: `now answers as ${m.platform}`,
  };
}

export function readOfficial(input: OfficialInput, now: number): SignalReading {
  return input.configured ? withMove(readPage(input, now), input) : readPage(input, now);
}

function readPage(input: OfficialInput, now: number): SignalReading {
  const failing = input.failure
    ? { since: input.failure.since, how: describeFailure(input.failure.outcome, input.failure.httpStatus) }
    : null;
  const base = { signal: 'official' as const, checkedAt: input.lastAttemptAt, okAt: input.lastOkAt, failing };
  if (!input.configured) {
    const text = 'We read no official status page for this provider.';
    return {
      ...base,
      failing: null,
      state: 'absent',
      level: 'unknown',
      summary: text,
      reasons: [{ signal: 'official', level: null, text, at: null }],
    };
  }
  const failureText = input.failure
    ? `The status page could not be read since ${formatUtc(input.failure.since)}: ` +
      `${describeFailure(input.failure.outcome, input.failure.httpStatus)}.`
    : null;
  if (input.lastOkAt === null) {
    const text = failureText ?? 'The status page has not been checked yet.';
    return {
      ...base,
      state: 'never',
      level: 'unknown',
      summary: text,
      reasons: [{ signal: 'official', level: null, text, at: input.failure?.since ?? null }],
    };
  }
  if (!isFresh(input.lastOkAt, input.intervalMs, now)) {
    const text =
      `${failureText ?? 'The status page has not been read recently.'} Last good reading: ` +
      `${ageText(input.lastOkAt, now)}.`;
    return {
      ...base,
      state: 'stale',
      level: 'unknown',
      summary: text,
      reasons: [{ signal: 'official', level: null, text, at: input.lastOkAt }],
    };
  }
  const { level, reasons } = officialReasons(input, input.lastOkAt);
  return { ...base, state: 'fresh', level, summary: reasons[0]?.text ?? '', reasons };
}

/** A page whose own newest change is older than this, while other signals show trouble, is frozen: suspect. */
export const FROZEN_AFTER_MS = 30 * DAY_MS;

/**
 * The official reading, suspect when the page looks frozen: it reads healthy, its newest change (`changedAt`) is
 * older than FROZEN_AFTER_MS and another signal shows trouble. A suspect page is never evidence of health.
 */
export function checkFrozen(
  reading: SignalReading,
  changedAt: number | null,
  trouble: boolean,
  now: number,
): SignalReading {
  if (reading.state !== 'fresh' || reading.level !== 'operational' || !trouble) return reading;
  if (changedAt === null || now - changedAt <= FROZEN_AFTER_MS) return reading;
  const days = Math.floor((now - changedAt) / DAY_MS);
  const text =
    `The status page has not changed since ${formatUtc(changedAt)} (${days} days) while our other signals show ` +
    `trouble: it may be frozen, so its "operational" is not counted as evidence of health.`;
  return {
    ...reading,
    state: 'suspect',
    level: 'unknown',
    lastLevel: reading.level,
    summary: text,
    reasons: [
      { signal: 'official', level: null, text, at: changedAt },
      ...reading.reasons.filter((r) => r.level === null),
    ],
  };
}
