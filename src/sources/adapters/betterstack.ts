// Better Stack: index.json (sections, resources, the one active report) and /feed, the reports' history.
import * as z from 'zod';
import { MAIN_DOCUMENT, type SnapshotComponent, type SnapshotIncident } from '../../domain.ts';
import {
  FEED_TYPES,
  JSON_TYPES,
  joinUrl,
  pathSegment,
  SourceError,
  type Adapter,
  type DocumentReading,
} from '../adapter.ts';
import { normaliseImpact, normaliseLevel } from '../normalise.ts';
import { readFeed } from './feed.ts';
import { OptionalText, OptionalTime, parseJson, parseShape, Time } from '../parse.ts';

const Id = z.union([z.string(), z.number()]).transform(String);
const Ref = z.object({ id: Id });

const Included = z.object({
  id: Id,
  type: z.string(),
  attributes: z.record(z.string(), z.unknown()).default({}),
  relationships: z.object({ status_updates: z.object({ data: z.array(Ref) }).nullish() }).nullish(),
});

const Index = z.object({
  data: z.object({
    attributes: z.object({ aggregate_state: OptionalText, custom_domain: OptionalText, subdomain: OptionalText }),
  }),
  included: z.array(Included).default([]),
});

const Section = z.object({ name: OptionalText, position: z.number().nullish() });
const Resource = z.object({
  status_page_section_id: Id.nullish(),
  public_name: z.string(),
  position: z.number().nullish(),
  status: OptionalText,
});
const Report = z.object({
  title: z.string(),
  report_type: OptionalText,
  starts_at: OptionalTime,
  ends_at: OptionalTime,
  aggregate_state: OptionalText,
  affected_resources: z.array(z.object({ status_page_resource_id: Id })).nullish(),
});
const Update = z.object({ message: z.string().nullish(), published_at: Time });

type Item = z.infer<typeof Included>;

function attributes<T>(schema: z.ZodType<T>, item: Item): T {
  return parseShape(schema, item.attributes, `${item.type} ${item.id}`);
}

function components(items: Item[]): SnapshotComponent[] {
  const sections = new Map(
    items.filter((i) => i.type === 'status_page_section').map((i) => [i.id, attributes(Section, i)]),
  );
  return items
    .filter((i) => i.type === 'status_page_resource')
    .map((item) => {
      const r = attributes(Resource, item);
      const section = r.status_page_section_id ? sections.get(r.status_page_section_id) : undefined;
      const level = normaliseLevel(r.status);
      return {
        key: item.id,
        name: r.public_name,
        groupName: section?.name ?? null,
        position: (section?.position ?? 0) * 1000 + (r.position ?? 0),
        level: level.value,
        rawStatus: level.raw,
        onlyShowIfDegraded: false,
      };
    });
}

/** Better Stack reports have no lifecycle words: an end time closes them, a maintenance runs from start to end. */
function incidents(items: Item[], names: Map<string, string>, pageUrl: string | null, now: number): SnapshotIncident[] {
  const updates = new Map(items.filter((i) => i.type === 'status_update').map((i) => [i.id, attributes(Update, i)]));
  return items
    .filter((i) => i.type === 'status_report')
    .flatMap((item) => {
      const r = attributes(Report, item);
      const kind = r.report_type === 'maintenance' ? 'maintenance' : 'incident';
      const ended = r.ends_at !== null && r.ends_at <= now;
      const timelineAt = (item.relationships?.status_updates?.data ?? []).map(
        (ref) => updates.get(ref.id)?.published_at ?? Infinity,
      );
      // A report without a start takes its first update's time; one with neither cannot be placed and is left out.
      const startedAt = r.starts_at ?? Math.min(...timelineAt);
      if (!Number.isFinite(startedAt)) return [];
      const state: SnapshotIncident['state'] =
        kind === 'maintenance'
          ? ended
            ? 'completed'
            : startedAt > now
              ? 'scheduled'
              : 'in_progress'
          : ended
            ? 'resolved'
            : 'unknown';
      const impact = normaliseImpact(kind === 'maintenance' ? 'maintenance' : r.aggregate_state);
      const timeline = (item.relationships?.status_updates?.data ?? [])
        .map((ref) => ({ ref, u: updates.get(ref.id) }))
        .filter((x): x is { ref: { id: string }; u: z.infer<typeof Update> } => x.u !== undefined)
        .map(({ ref, u }) => ({ key: ref.id, state, rawState: null, body: u.message ?? '', at: u.published_at }))
        .sort((a, b) => b.at - a.at);
      return [
        {
          key: item.id,
          kind,
          title: r.title,
          state,
          rawState: null,
          impact: impact.value,
          rawImpact: impact.raw,
          url: pageUrl ? joinUrl(pageUrl, `/incident/${pathSegment(item.id)}`) : null,
          startedAt,
          resolvedAt: ended ? r.ends_at : null,
          scheduledFor: kind === 'maintenance' ? startedAt : null,
          scheduledUntil: kind === 'maintenance' ? r.ends_at : null,
          updates: timeline,
          components: (r.affected_resources ?? []).map((a) => ({
            key: a.status_page_resource_id,
            name: names.get(a.status_page_resource_id) ?? a.status_page_resource_id,
          })),
        },
      ];
    });
}

function read(body: string, pageUrl: string, now: number): DocumentReading {
  const index = parseShape(Index, parseJson(body), 'index.json');
  const list = components(index.included);
  if (list.length === 0 && !index.data.attributes.aggregate_state)
    throw new SourceError('schema', 'index.json lists no resources');
  const page = normaliseLevel(index.data.attributes.aggregate_state);
  const names = new Map(list.map((c) => [c.key, c.name]));
  return {
    components: list,
    pageLevel: page.value,
    pageRaw: page.raw,
    incidents: incidents(index.included, names, pageUrl.startsWith('https://') ? pageUrl : null, now),
    listsAllOpen: true,
  };
}

export const betterstackAdapter: Adapter = {
  url: 'base',
  documents: (page) => [
    { name: MAIN_DOCUMENT, url: joinUrl(page.url, '/index.json'), accept: JSON_TYPES },
    { name: 'history', url: joinUrl(page.url, '/feed'), accept: FEED_TYPES },
  ],
  read: (document, body, page, now) =>
    document === MAIN_DOCUMENT ? read(body, page.pageUrl ?? page.url, now) : readFeed(body, now),
};
