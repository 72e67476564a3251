// AWS Health public events (Amazon Bedrock): currentevents, every region of the catalog's services as a component.
import * as z from 'zod';
import type { StatusPage } from '../../catalog/schema.ts';
import { MAIN_DOCUMENT, type SnapshotComponent, type SnapshotIncident } from '../../domain.ts';
import { STORED_JSON_TYPES, SourceError, type Adapter, type DocumentReading } from '../adapter.ts';
import { worstRead, type Normalised } from '../normalise.ts';
import { parseJson, parseShape } from '../parse.ts';
import type { Impact, Level } from '../../domain.ts';

/** Unix times arrive as seconds, as text or numbers; a value this large is already milliseconds. */
const MS_THRESHOLD = 1e11;
const Epoch = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    ctx.addIssue({ code: 'custom', message: `not a unix time: ${JSON.stringify(String(value).slice(0, 40))}` });
    return z.NEVER;
  }
  return n < MS_THRESHOLD ? n * 1000 : n;
});
const Code = z.union([z.string(), z.number()]).transform(String);

const LogEntry = z.object({
  summary: z.string().nullish(),
  message: z.string().nullish(),
  status: Code,
  timestamp: Epoch,
});
const Event = z.object({
  arn: z.string().min(1),
  date: Epoch,
  region_name: z.string().nullish(),
  status: Code,
  service: z.string().min(1),
  service_name: z.string().nullish(),
  summary: z.string(),
  event_log: z.array(LogEntry).nullish(),
});
type Event = z.infer<typeof Event>;

/** The dashboard's legend: 0 resolved, 1 informational, 2 degradation, 3 disruption; other codes are unknown. */
const CODES: Record<string, { level: Level; impact: Impact }> = {
  '0': { level: 'operational', impact: 'none' },
  '1': { level: 'operational', impact: 'none' },
  '2': { level: 'degraded', impact: 'minor' },
  '3': { level: 'major_outage', impact: 'major' },
};
const RESOLVED = '0';

const levelOf = (code: string): Normalised<Level> => ({ value: CODES[code]?.level ?? 'unknown', raw: code });

/** The region of a per-region service id: `bedrock-us-east-1` → `us-east-1`; a global service has none. */
const regionOf = (service: string, product: string): string | null =>
  service.length > product.length ? service.slice(product.length + 1) : null;

/** The catalog product a service id belongs to (`bedrock` for `bedrock` and `bedrock-us-east-1`), or null. */
function productOf(service: string, page: StatusPage): string | null {
  return (page.products ?? []).find((p) => service === p || service.startsWith(`${p}-`)) ?? null;
}

function componentName(event: Event, product: string): string {
  const region = regionOf(event.service, product);
  const name = event.service_name ?? product;
  if (!region) return name;
  return event.region_name ? `${name} ${region} (${event.region_name})` : `${name} ${region}`;
}

function toIncident(event: Event, component: { key: string; name: string }, link: string | null): SnapshotIncident {
  const log = [...(event.event_log ?? [])].sort((a, b) => a.timestamp - b.timestamp);
  const resolved = event.status === RESOLVED;
  const code = CODES[event.status];
  // The event keeps its worst code in the log; a resolved event says 0 at the top.
  const worstCode = worstRead(
    [event.status, ...log.map((e) => e.status)].filter((c) => c !== RESOLVED).map(levelOf),
  )?.raw;
  const impact = worstCode ? (CODES[worstCode]?.impact ?? 'unknown') : (code?.impact ?? 'unknown');
  return {
    key: event.arn,
    kind: 'incident',
    title: event.summary,
    state: resolved ? 'resolved' : 'unknown',
    rawState: event.status,
    impact,
    rawImpact: worstCode ?? event.status,
    url: link,
    startedAt: Math.min(event.date, ...log.map((e) => e.timestamp)),
    resolvedAt: resolved
      ? (log.findLast((e) => e.status === RESOLVED)?.timestamp ?? log.at(-1)?.timestamp ?? event.date)
      : null,
    scheduledFor: null,
    scheduledUntil: null,
    updates: log
      .map((e, index) => ({
        key: `${e.timestamp}-${index}`,
        state: e.status === RESOLVED ? ('resolved' as const) : ('unknown' as const),
        rawState: e.status,
        body: (e.message ?? e.summary ?? '').trim(),
        at: e.timestamp,
      }))
      .reverse(),
    components: [component],
  };
}

/** Just the service id, so a malformed event of another service does not fail the document. */
const Loose = z.object({ service: z.string() });

function read(body: string, page: StatusPage): DocumentReading {
  if (!page.products || page.products.length === 0)
    throw new SourceError('schema', 'an awshealth source needs "products" (AWS service ids such as "bedrock")');
  const list = parseShape(z.array(z.unknown()), parseJson(body), 'currentevents');
  const mine = list.flatMap((item, index) => {
    const loose = Loose.safeParse(item);
    const product = loose.success ? productOf(loose.data.service, page) : null;
    return product ? [{ product, event: parseShape(Event, item, `event ${index + 1}`) }] : [];
  });
  const components = new Map<string, SnapshotComponent>();
  for (const { product, event } of mine) {
    const known = components.get(event.service);
    const level = worstRead([...(known ? [{ value: known.level, raw: known.rawStatus }] : []), levelOf(event.status)])!;
    if (known && level.raw === known.rawStatus) continue;
    components.set(event.service, {
      key: event.service,
      name: componentName(event, product),
      groupName: null,
      position: 0,
      level: level.value,
      rawStatus: level.raw,
      onlyShowIfDegraded: false,
    });
  }
  const link = page.pageUrl ?? null;
  const sorted = [...components.values()].sort((a, b) => a.name.localeCompare(b.name));
  return {
    components: sorted.map((c, index) => ({ ...c, position: index })),
    incidents: mine.map(({ event }) => {
      const c = components.get(event.service)!;
      return toIncident(event, { key: c.key, name: c.name }, link);
    }),
    listsAllOpen: true,
  };
}

/** The catalog `url` is the events document; `products` are the AWS service ids whose regions concern the provider. */
export const awshealthAdapter: Adapter = {
  url: 'document',
  documents: (page) => [{ name: MAIN_DOCUMENT, url: page.url, accept: STORED_JSON_TYPES }],
  read: (_document, body, page) => read(body, page),
};
