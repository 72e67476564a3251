// The one assessment of a provider: its signals read once, the API's headline, its products apart, is-it-down.
import { LEVEL_LABELS, type ComponentScope, type Level, type ReporterAllocation, type Signal } from '../domain.ts';
import { readCommunity, summariseCommunity, type Bucket, type CommunityView } from './community.ts';
import { answerIsItDown, type DownAnswerView } from './down-answer.ts';
import { combineSignals } from './headline.ts';
import { isWorse } from './levels.ts';
import { checkFrozen, readOfficial, type OfficialInput } from './official.ts';
import { readProbe, type ProbeInput } from './probe.ts';
import { readRegionalProbe, regionalQuorum, type RegionProbeInput, type RegionView } from './regions.ts';
import { troubleSince } from './trouble.ts';
import { incidentScope, placeComponent, type ScopeBasis, type ScopeCatalog } from './scope.ts';
import type { ProviderStatus, Reason, SignalReading } from './types.ts';

/** A component as stored: its damped level, when that level began as far as we know, and how we know. */
export type ComponentInput = {
  key: string;
  name: string;
  groupName: string | null;
  level: Level;
  rawStatus: string | null;
  onlyShowIfDegraded: boolean;
  /** When the published level began: observed by us between two polls, or the first poll that saw it. */
  changedAt: number;
  /** True when `changedAt` is only our first sighting, not a change we saw happen. */
  firstSeen: boolean;
};

/** An open official incident or active maintenance. */
export type IncidentInput = OfficialInput['openIncidents'][number] & {
  updates: readonly { body: string }[];
  components: readonly { key: string; name: string }[];
};

export type AssessInput = {
  provider: { name: string; components: ScopeCatalog };
  official: Omit<OfficialInput, 'components' | 'openIncidents' | 'scopeWord'> & {
    /** Null until the page has been read once. */
    components: readonly ComponentInput[] | null;
    openIncidents: readonly IncidentInput[];
    /** The newest change the page itself showed (an incident's start, end or update), for the frozen check. */
    newestChangeAt?: number | null;
  };
  /** This node's own probe; with `regions`, every region's (this node's first) and the reading across them. */
  probe: ProbeInput & { regions?: readonly RegionProbeInput[] };
  /** Community report buckets (see community.ts) covering the baseline. */
  buckets: readonly Bucket[];
  /** The allocations behind the window's counted reports (see summariseCommunity); pages always pass them. */
  reporters?: readonly ReporterAllocation[];
};

/** "since" of a component: when the source says its state began, when we saw it change, or our first sighting. */
export type ComponentSince = { at: number; basis: 'source' | 'observed' | 'first_seen' };

export type AssessedComponent = ComponentInput & {
  scope: ComponentScope;
  scopeBasis: ScopeBasis;
  since: ComponentSince;
};
export type AssessedIncident = IncidentInput & { scope: ComponentScope; scopedByComponents: boolean };

/** The products' level, read from the official page alone (probes and reports are about the API). */
export type ProductsStatus = {
  level: Level;
  label: string;
  summary: string;
  reasons: Reason[];
  /** The product components the page lists (or the catalog names, before the first reading). */
  components: string[];
};

export type Assessment = {
  now: number;
  /** The API's headline: what error pages, is-it-down, badges and the dashboard's headline show. */
  api: ProviderStatus;
  /** Null when the provider has no product apart from its API. */
  products: ProductsStatus | null;
  /** The API's answer to "is it down?". */
  down: DownAnswerView;
  /** When the API's current trouble (degraded or worse) began, when our signals date it exactly (see trouble.ts). */
  troubleSince: number | null;
  /** Null until the page has been read once; each with its scope and an honest "since". */
  components: AssessedComponent[] | null;
  openIncidents: AssessedIncident[];
  community: CommunityView;
  /** The report buckets and their reporters' allocations, for the reports of one error's category. */
  buckets: readonly Bucket[];
  reporters: readonly ReporterAllocation[] | undefined;
  /** The official page's reading of its products, for reasons that mention them. */
  productsReading: SignalReading | null;
  /** Each probe region's view (empty when the probe is read from this node alone). */
  regions: RegionView[];
};

/** A non-operational component's state began no later than the earliest open incident the source ties to it. */
function sinceOf(c: ComponentInput, incidents: readonly IncidentInput[]): ComponentSince {
  if (c.level !== 'operational' && c.level !== 'unknown') {
    const starts = incidents.filter((i) => i.components.some((x) => x.key === c.key || x.name === c.name));
    const earliest = Math.min(...starts.map((i) => i.startedAt));
    if (Number.isFinite(earliest) && (c.firstSeen || earliest < c.changedAt)) return { at: earliest, basis: 'source' };
  }
  return { at: c.changedAt, basis: c.firstSeen ? 'first_seen' : 'observed' };
}

function placeAll(input: AssessInput): { components: AssessedComponent[] | null; incidents: AssessedIncident[] } {
  const catalog = input.provider.components;
  const raw = input.official.components;
  const components =
    raw?.map((c) => {
      const placed = placeComponent(catalog, c);
      return { ...c, scope: placed.scope, scopeBasis: placed.basis, since: sinceOf(c, input.official.openIncidents) };
    }) ?? null;
  const byKey = new Map((components ?? []).map((c) => [c.key, c.scope]));
  const scopeOf = (c: { key?: string; name: string }) =>
    (c.key !== undefined ? byKey.get(c.key) : undefined) ?? placeComponent(catalog, c).scope;
  const incidents = input.official.openIncidents.map((i) => {
    const placed = incidentScope(i, scopeOf);
    return { ...i, scope: placed.scope, scopedByComponents: placed.byComponents };
  });
  return { components, incidents };
}

/** Whether the status page shows a component: one hidden unless degraded shows only while not operational. */
export const isShown = (c: { onlyShowIfDegraded: boolean; level: Level }): boolean =>
  !c.onlyShowIfDegraded || c.level !== 'operational';

/** Components a reading counts: the ones the status page shows. */
const counted = (components: readonly AssessedComponent[], scope: ComponentScope) =>
  components.filter((c) => c.scope === scope && isShown(c));

function productsStatus(
  input: AssessInput,
  components: AssessedComponent[] | null,
  incidents: AssessedIncident[],
  now: number,
): { status: ProductsStatus | null; reading: SignalReading | null } {
  const names = components
    ? components.filter((c) => c.scope === 'product').map((c) => c.name)
    : input.provider.components.filter((c) => c.scope === 'product').map((c) => c.name);
  const productIncidents = incidents.filter((i) => i.scope === 'product');
  if (names.length === 0 && productIncidents.length === 0) return { status: null, reading: null };
  const reading = readOfficial(
    {
      ...input.official,
      components: counted(components ?? [], 'product'),
      openIncidents: productIncidents,
      pageLevel: null,
      scopeWord: 'product ',
    },
    now,
  );
  const reasons = reading.reasons;
  const level = reading.state === 'fresh' ? reading.level : 'unknown';
  const summary =
    reading.state === 'fresh'
      ? (reasons[0]?.text ?? '')
      : reading.state === 'absent'
        ? 'No official status page lists them.'
        : 'No fresh reading of the status page.';
  return {
    status: { level, label: LEVEL_LABELS[level], summary, reasons, components: names },
    reading,
  };
}

/** The page's own newest change: an incident's, or a component change we saw between two polls. */
function newestChange(official: AssessInput['official']): number | null {
  const seen = (official.components ?? []).filter((c) => !c.firstSeen).map((c) => c.changedAt);
  const all = [official.newestChangeAt ?? null, ...seen].filter((at) => at !== null);
  return all.length > 0 ? Math.max(...all) : null;
}

/** Reads every signal once and judges the API and the products apart; pure over its input and `now`. */
export function assessProvider(input: AssessInput, now: number): Assessment {
  const { components, incidents } = placeAll(input);
  const apiIncidents = incidents.filter((i) => i.scope === 'api');
  // The page's own rollup covers its products too: it speaks for the API only on a page without components.
  const pageLevel = components && components.length > 0 ? null : input.official.pageLevel;
  const official = readOfficial(
    {
      ...input.official,
      components: counted(components ?? [], 'api'),
      openIncidents: apiIncidents,
      pageLevel,
      scopeWord: components?.some((c) => c.scope === 'product') ? 'API ' : '',
    },
    now,
  );
  const community = summariseCommunity(input.buckets, now, undefined, input.reporters);
  const regional = input.probe.regions
    ? readRegionalProbe({ ...input.probe, regions: input.probe.regions }, now)
    : { reading: readProbe(input.probe, now), regions: [] };
  const probe = regional.reading;
  const reports = readCommunity(community);
  const trouble = [probe, reports].some((r) => r.state === 'fresh' && isWorse(r.level, 'maintenance'));
  const signals: Record<Signal, SignalReading> = {
    official: checkFrozen(official, newestChange(input.official), trouble, now),
    probe,
    community: reports,
  };
  const api = combineSignals(signals);
  const products = productsStatus(input, components, incidents, now);
  return {
    now,
    api,
    products: products.status,
    productsReading: products.reading,
    down: answerIsItDown(input.provider.name, api),
    troubleSince: troubleSince(
      api,
      {
        components: counted(components ?? [], 'api'),
        incidents: apiIncidents,
        buckets: input.buckets,
        probePartly: regionalQuorum(regional.regions) === 'partly',
      },
      now,
    ),
    components,
    openIncidents: incidents,
    community,
    buckets: input.buckets,
    reporters: input.reporters,
    regions: regional.regions,
  };
}

/** A component's level as a badge shows it: only while the official page is fresh; otherwise Unknown, never a guess. */
export function componentLevel(assessment: Assessment, name: string): Level {
  if (assessment.api.signals.official.state !== 'fresh') return 'unknown';
  return assessment.components?.find((c) => c.name === name)?.level ?? 'unknown';
}
