// JSON view models of /api/v1: the same data as the pages, with ISO times and stable field names.
import type { Catalog } from '../../catalog/load.ts';
import { errorTypesFor } from '../../catalog/load.ts';
import type { ErrorType } from '../../catalog/schema.ts';
import { LEVEL_LABELS, type Level } from '../../domain.ts';
import {
  COMMUNITY_BASELINE_DAYS,
  COMMUNITY_BASELINE_FLOOR,
  COMMUNITY_BUCKET_MS,
  COMMUNITY_DEDUPE_MS,
  COMMUNITY_SPIKE_MIN_ALLOCATIONS,
  COMMUNITY_SPIKE_MIN_REPORTS,
  COMMUNITY_SPIKE_MULTIPLE,
  communitySeries,
} from '../../status/community.ts';
import type { Reason } from '../../status/types.ts';
import type { Correlation } from '../../status/correlation.ts';
import { MINUTE_MS, toIso } from '../../time.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import { isOpen } from '../../status/incidents.ts';
import { liveSignalsView } from '../blocks/live.ts';
import { officialPageHref } from '../blocks/text.ts';
import { percentiles } from '../../status/region-latency.ts';

const iso = (at: number | null | undefined): string | null => (at === null || at === undefined ? null : toIso(at));

export const reasonJson = (r: Reason) => ({ signal: r.signal, level: r.level, text: r.text, at: iso(r.at) });

/** The community block as JSON; `detail` (one provider) adds the 24-hour series the chart draws. */
function reportsJson(data: ProviderData, detail: boolean) {
  const c = data.community;
  return {
    windowMinutes: Math.round(c.windowMs / MINUTE_MS),
    recent: c.recent,
    usual: c.usual,
    baseline: c.baseline,
    ratio: Math.round(c.ratio * 100) / 100,
    spike: c.spike,
    sentence: c.sentence,
    byCategory: Object.fromEntries(c.byCategory.map((x) => [x.category, x.count])),
    lastReportAt: iso(c.lastReportAt),
    rules: {
      baselineDays: COMMUNITY_BASELINE_DAYS,
      baselineFloor: COMMUNITY_BASELINE_FLOOR,
      spikeMultiple: COMMUNITY_SPIKE_MULTIPLE,
      spikeMinReports: COMMUNITY_SPIKE_MIN_REPORTS,
      spikeMinAllocations: COMMUNITY_SPIKE_MIN_ALLOCATIONS,
      dedupeMinutes: COMMUNITY_DEDUPE_MS / MINUTE_MS,
    },
    ...(detail
      ? {
          models: data.models.map((m) => ({
            model: m.model,
            lastHour: m.lastHour,
            last24h: m.last24h,
            usualHour: m.usualHour,
            usual24h: m.usual24h,
          })),
          last24h: {
            bucketMinutes: COMMUNITY_BUCKET_MS / MINUTE_MS,
            buckets: communitySeries(data.buckets, data.now).map((p) => ({
              at: iso(p.bucketAt),
              count: p.count,
              usualLow: p.usualLow,
              usualHigh: p.usualHigh,
            })),
          },
        }
      : {}),
  };
}

/** The Live Signals block as JSON, from the same view the pages render; `detail` adds the 24-hour results. */
function probesJson(data: ProviderData, probeIntervalMs: number, detail: boolean) {
  const live = liveSignalsView(data, probeIntervalMs);
  const samples = data.probeSamples;
  const last = samples.at(-1);
  const b = data.probeBaseline;
  return {
    configured: live.configured,
    description: live.description,
    state: data.status.signals.probe.state,
    stateLabel: live.stateLabel,
    summary: live.state,
    last: last
      ? {
          at: iso(last.at),
          outcome: last.outcome,
          httpStatus: last.httpStatus,
          latencyMs: last.latencyMs,
          phases: { dnsMs: last.dnsMs, connectMs: last.connectMs, tlsMs: last.tlsMs, ttfbMs: last.ttfbMs },
          text: live.last!.text,
          detail: live.last!.detail,
        }
      : null,
    count24h: samples.length,
    answered24h: live.successRate?.answered ?? 0,
    successRate24h: samples.length > 0 ? (live.successRate?.answered ?? 0) / samples.length : null,
    usualLatencyMs: data.usualLatencyMs,
    baseline: {
      samples: b.samples,
      medianMs: b.medianMs,
      madMs: b.madMs,
      trusted: b.trusted,
      slowAboveMs: b.slowAboveMs,
    },
    latencyText: live.latency?.text ?? null,
    summary24h: live.chart?.summary ?? null,
    ...(detail
      ? {
          results24h: samples.map((r) => ({
            at: iso(r.at),
            outcome: r.outcome,
            httpStatus: r.httpStatus,
            latencyMs: r.latencyMs,
          })),
        }
      : {}),
  };
}

/** A level with its words and reasons: the API's headline or the products'. */
export const scopeJson = (s: { level: Level; label: string; summary: string; reasons: readonly Reason[] }) => ({
  level: s.level,
  label: s.label,
  summary: s.summary,
  reasons: s.reasons.map(reasonJson),
});

/** Each signal's reading: its last good reading and, when attempts since fail, since when and how. */
export function signalsJson(data: ProviderData) {
  return Object.fromEntries(
    Object.values(data.status.signals).map((r) => [
      r.signal,
      {
        state: r.state,
        level: r.level,
        summary: r.summary,
        checkedAt: iso(r.checkedAt),
        okAt: iso(r.okAt),
        lastGoodAt: iso(r.okAt),
        failing: r.failing ? { since: iso(r.failing.since), how: r.failing.how } : null,
        reasons: r.reasons.map(reasonJson),
      },
    ]),
  );
}

/** Components with their scope; `since` only when the source dates the state or we saw it change. */
function componentsJson(data: ProviderData) {
  const p = data.provider;
  if (data.assessment.components === null) {
    return p.components.map((c) => ({
      name: c.name,
      group: null,
      scope: c.scope,
      level: 'unknown',
      label: LEVEL_LABELS.unknown,
      rawStatus: null,
      since: null,
      sinceBasis: null,
      firstSeenAt: null,
      source: 'catalog',
    }));
  }
  return data.assessment.components.map((c) => ({
    name: c.name,
    group: c.groupName,
    scope: c.scope,
    scopeBasis: c.scopeBasis,
    level: c.level,
    label: LEVEL_LABELS[c.level],
    rawStatus: c.rawStatus,
    since: c.since.basis === 'first_seen' ? null : iso(c.since.at),
    sinceBasis: c.since.basis,
    firstSeenAt: c.since.basis === 'first_seen' ? iso(c.since.at) : null,
    onlyShowIfDegraded: c.onlyShowIfDegraded,
    source: 'official',
  }));
}

/** Each probe region's state and its answering latencies over the last 24 hours (empty without agents). */
export function regionsJson(data: ProviderData) {
  return data.assessment.regions.map((v) => {
    return {
      region: v.region,
      state: v.state,
      lastGood: iso(v.lastGood),
      failingSince: iso(v.failingSince),
      ...percentiles(data.regionLatencies?.get(v.region) ?? []),
    };
  });
}

export function providerJson(
  data: ProviderData,
  catalog: Catalog,
  siteUrl: string,
  probeIntervalMs: number,
  detail = false,
) {
  const p = data.provider;
  const s = data.status;
  return {
    slug: p.slug,
    name: p.name,
    level: s.level,
    label: s.label,
    summary: s.summary,
    reasons: s.reasons.map(reasonJson),
    checkedAt: iso(s.checkedAt),
    lastGoodAt: iso(s.lastGoodAt),
    regions: regionsJson(data),
    api: scopeJson(s),
    products: data.assessment.products ? scopeJson(data.assessment.products) : null,
    signals: signalsJson(data),
    official: {
      configured: p.statusPage !== null,
      format: p.statusPage?.format ?? null,
      url: officialPageHref(p) ?? null,
      lastOkAt: iso(data.officialCheck.lastOkAt),
      lastAttemptAt: iso(data.officialCheck.lastAttemptAt),
      failingSince: iso(data.officialCheck.failingSince),
      state: s.signals.official.state,
      lastFailure: data.officialCheck.lastFailure
        ? {
            at: iso(data.officialCheck.lastFailure.at),
            outcome: data.officialCheck.lastFailure.outcome,
            httpStatus: data.officialCheck.lastFailure.httpStatus,
            detail: data.officialCheck.lastFailure.detail,
            consecutive: data.officialCheck.consecutiveFailures,
          }
        : null,
    },
    evidence: p.evidence.map((e) => ({ url: e.url, seen: e.seen })),
    components: componentsJson(data),
    incidents: data.incidents.map((i) => ({
      title: i.title,
      kind: i.kind,
      origin: i.origin,
      source: i.origin,
      state: i.state,
      rawState: i.rawState,
      impact: i.impact,
      rawImpact: i.rawImpact,
      open: isOpen(i),
      startedAt: iso(i.startedAt),
      resolvedAt: iso(i.resolvedAt),
      unlistedAt: iso(i.unlistedAt),
      scheduledFor: iso(i.scheduledFor),
      scheduledUntil: iso(i.scheduledUntil),
      durationMs: i.resolvedAt !== null ? i.resolvedAt - i.startedAt : null,
      url: i.url,
      components: i.components.map((c) => c.name),
      updates: i.updates.map((u) => ({ state: u.state, rawState: u.rawState, body: u.body, at: iso(u.at) })),
      ackLagSeconds: data.ackLags.get(i.id) ?? null,
    })),
    reports: reportsJson(data, detail),
    probes: probesJson(data, probeIntervalMs, detail),
    links: {
      html: `${siteUrl}/${p.slug}`,
      errors: errorTypesFor(catalog, p).map((e) => ({
        slug: e.slug,
        title: e.title,
        html: `${siteUrl}/${p.slug}/error/${e.slug}`,
      })),
    },
  };
}
export type ProviderJson = ReturnType<typeof providerJson>;

/** The JSON twin of an error page: the API's level, the verdict for this error with its reasons, and the signals. */
export function errorJson(data: ProviderData, errorType: ErrorType, siteUrl: string) {
  const p = data.provider;
  const v = data.error(errorType).verdict;
  const down = data.assessment.down;
  return {
    provider: p.slug,
    error: errorType.slug,
    title: errorType.title,
    level: v.level,
    label: v.levelLabel,
    verdict: v.verdict,
    verdictLabel: v.label,
    verdictText: v.text,
    waiting: v.waiting,
    reasons: v.evidence.map(reasonJson),
    isItDown: { answer: down.answer, label: down.label },
    checkedAt: iso(data.status.checkedAt),
    lastGoodAt: iso(data.status.lastGoodAt),
    regions: regionsJson(data),
    signals: signalsJson(data),
    links: { html: `${siteUrl}/${p.slug}/error/${errorType.slug}`, provider: `${siteUrl}/api/v1/providers/${p.slug}` },
  };
}

/** Providers in trouble together (`correlated`), and our own probes' fault, during which no group is drawn. */
export const correlationJson = (c: Correlation) => ({
  correlated: c.groups.map((g) => ({ since: toIso(g.since), providers: g.providers.map((p) => p.slug) })),
  localFault: c.localFault
    ? {
        since: toIso(c.localFault.since),
        outcome: c.localFault.outcome,
        affected: c.localFault.affected,
        probed: c.localFault.probed,
      }
    : null,
});
