// View models of the Atom feeds: one entry per incident update (official or detected by us), per provider or for all.
import { causeOfKey, DETECTED_BY } from '../../status/detection.ts';
import { pathSegment } from '../../sources/adapter.ts';
import type { IncidentRow } from '../../store/incidents.ts';
import { toIso } from '../../time.ts';
import type { FeedLink } from '../http/render.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import { incidentView } from '../blocks/common.ts';
import { safeHref, xmlSafe } from '../blocks/text.ts';

/** Entries per feed: a feed reader needs the recent story, not the archive. */
export const PROVIDER_FEED_ENTRIES = 50;
export const ALL_FEED_ENTRIES = 100;
/** The date part of our tag: URIs (RFC 4151); fixed so entry ids never change. */
const TAG_DATE = '2026';

export type FeedEntryView = {
  id: string;
  title: string;
  updated: string;
  published: string;
  href: string;
  related: string | undefined;
  category: { term: string; label: string };
  content: string;
};

export type FeedView = {
  id: string;
  title: string;
  subtitle: string;
  updated: string;
  selfHref: string;
  pageHref: string;
  author: string;
  entries: FeedEntryView[];
};

export type FeedSite = { siteUrl: string; siteName: string };

export const allFeedPath = '/feed.atom';
export const providerFeedPath = (slug: string) => `/${slug}/feed.atom`;

/** The feeds a provider's pages link to: its own, then all providers'. */
export function providerFeedLinks(provider: { slug: string; name: string }): FeedLink[] {
  return [{ title: `${provider.name} incidents`, path: providerFeedPath(provider.slug) }, allFeedLinks()[0]!];
}
export const allFeedLinks = (): FeedLink[] => [{ title: 'Incidents of all AI API providers', path: allFeedPath }];

function tagAuthority(siteUrl: string): string {
  return new URL(siteUrl).hostname;
}

function incidentEntries(data: ProviderData, incident: IncidentRow, site: FeedSite): FeedEntryView[] {
  const view = incidentView(incident, data.now);
  const name = data.provider.name;
  const tagPath = `${data.provider.slug}/${incident.origin}/${pathSegment(incident.key)}`;
  const base = `tag:${tagAuthority(site.siteUrl)},${TAG_DATE}:${tagPath}`;
  const category =
    incident.origin === 'detected'
      ? { term: 'detected', label: 'Detected by us' }
      : {
          term: incident.kind === 'maintenance' ? 'maintenance' : 'official',
          label: incident.kind === 'maintenance' ? 'Official maintenance' : 'Official incident',
        };
  const by = incident.origin === 'detected' ? `; ${DETECTED_BY[causeOfKey(incident.key) ?? 'probe']}` : '';
  const footer = [
    `Impact: ${view.impact.label}.`,
    view.components.length ? `Affected: ${view.components.join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const entry = (state: string, stateKey: string, at: number, body: string): FeedEntryView => ({
    id: `${base}/${at}/${stateKey}`,
    title: xmlSafe(`${name}: ${incident.title} (${state}${by})`),
    updated: toIso(at),
    published: toIso(at),
    href: `${site.siteUrl}/${data.provider.slug}#incidents`,
    related: safeHref(incident.url),
    category,
    content: xmlSafe(`${body}\n\n${footer}`.trim()),
  });
  if (incident.updates.length === 0) {
    return [entry(view.state, incident.state, incident.startedAt, `${view.state} since ${view.started?.utc}.`)];
  }
  return incident.updates.map((u, index) => entry(view.updates[index]!.state, u.state, u.at, u.body));
}

const newestFirst = (a: FeedEntryView, b: FeedEntryView) =>
  b.updated.localeCompare(a.updated) || a.id.localeCompare(b.id);

function entriesOf(data: ProviderData, site: FeedSite): FeedEntryView[] {
  return data.incidents.flatMap((incident) => incidentEntries(data, incident, site));
}

/** `emptySince` dates a feed without entries: a fixed time, so that its `<updated>` and ETag hold while it stays empty. */
function feed(
  site: FeedSite,
  emptySince: number,
  head: Omit<FeedView, 'updated' | 'author' | 'entries'>,
  entries: FeedEntryView[],
  limit: number,
): FeedView {
  const kept = entries.sort(newestFirst).slice(0, limit);
  return { ...head, updated: kept[0]?.updated ?? toIso(emptySince), author: site.siteName, entries: kept };
}

/** `trackedSince`: when we began tracking the provider, the `<updated>` of its feed while it has no entries. */
export function providerFeedView(data: ProviderData, site: FeedSite, trackedSince: number): FeedView {
  const p = data.provider;
  return feed(
    site,
    trackedSince,
    {
      id: `${site.siteUrl}${providerFeedPath(p.slug)}`,
      title: xmlSafe(`${p.name} incidents · ${site.siteName}`),
      subtitle: xmlSafe(
        `Incidents and maintenance from ${p.name}'s official status page and problems detected by our own ` +
          `probes, with every update.`,
      ),
      selfHref: `${site.siteUrl}${providerFeedPath(p.slug)}`,
      pageHref: `${site.siteUrl}/${p.slug}`,
    },
    entriesOf(data, site),
    PROVIDER_FEED_ENTRIES,
  );
}

export function allProvidersFeedView(all: ProviderData[], site: FeedSite, trackedSince: number): FeedView {
  return feed(
    site,
    trackedSince,
    {
      id: `${site.siteUrl}${allFeedPath}`,
      title: xmlSafe(`AI API incidents · ${site.siteName}`),
      subtitle:
        `Incidents and maintenance of ${all.length} AI API providers, official and detected by our own ` +
        `probes, with every update.`,
      selfHref: `${site.siteUrl}${allFeedPath}`,
      pageHref: `${site.siteUrl}/`,
    },
    all.flatMap((data) => entriesOf(data, site)),
    ALL_FEED_ENTRIES,
  );
}
