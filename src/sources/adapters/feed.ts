// Atom and RSS incident feeds: Statuspage and Instatus histories with their update markup, or plain entries.
import { z } from 'zod';
import { MAIN_DOCUMENT, type IncidentKind, type SnapshotIncident, type SnapshotUpdate } from '../../domain.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../time.ts';
import { FEED_TYPES, SourceError, type Adapter, type DocumentReading } from '../adapter.ts';
import { isMaintenanceWord, normaliseIncidentState, normaliseMaintenanceState } from '../normalise.ts';
import { parseShape, parseTime } from '../parse.ts';
import { childText, elements, htmlToText, xmlText } from '../xml.ts';

/** A feed entry without a status of its own counts as current for this long after its last date. */
export const FEED_CURRENT_MS = DAY_MS;

const Entry = z.object({
  title: z.string().min(1),
  key: z.string().min(1),
  link: z.string().nullable(),
  publishedAt: z.number(),
  updatedAt: z.number(),
  html: z.string(),
});
type Entry = z.infer<typeof Entry>;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const STAMP = new RegExp(
  // Month, day and time, then an optional zone name and offset.
  String.raw`^([A-Za-z]{3})\w*\s+(\d{1,2}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?` +
    String.raw`\s*(?:UTC|GMT)?\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?)?`,
);

/** "Oct 6, 12:20 UTC" or "Jun 5, 01:40:38 GMT+0": no year, so it is the latest such date not after `ref`. */
export function parseYearlessStamp(text: string, ref: number): number | null {
  const m = STAMP.exec(text.trim());
  const month = m ? MONTHS.indexOf(m[1]!.toLowerCase()) : -1;
  if (!m || month < 0) return null;
  const offsetMs = m[6] ? (m[6] === '-' ? -1 : 1) * (Number(m[7]) * HOUR_MS + Number(m[8] ?? 0) * MINUTE_MS) : 0;
  const at = (year: number) =>
    Date.UTC(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0)) - offsetMs;
  const year = new Date(ref).getUTCFullYear();
  return at(year) > ref + DAY_MS ? at(year - 1) : at(year);
}

function linkOf(entry: string, atom: boolean): string | null {
  if (!atom) return childText(entry, 'link') || childText(entry, 'guid');
  const links = elements(entry, 'link');
  const alternate = links.find((l) => (l.attributes.rel ?? 'alternate') === 'alternate') ?? links[0];
  return alternate?.attributes.href ?? null;
}

function readEntries(xml: string): Entry[] {
  const atom = /<feed[\s>]/.test(xml);
  if (!atom && !/<(rss|channel|rdf:RDF)[\s>]/.test(xml)) throw new SourceError('parse', 'not an Atom or RSS feed');
  return elements(xml, atom ? 'entry' : 'item').map((e, index) => {
    const inner = e.inner;
    const link = linkOf(inner, atom);
    const id = childText(inner, atom ? 'id' : 'guid');
    const published = parseTime(childText(inner, atom ? 'published' : 'pubDate') ?? childText(inner, 'dc:date'));
    const updated = parseTime(childText(inner, 'updated')) ?? published;
    const content =
      elements(inner, atom ? 'content' : 'description')[0] ?? elements(inner, atom ? 'summary' : 'content:encoded')[0];
    // The incident's own id is the last segment of a link like /incidents/<id>; generic links fall back to the id.
    const path = link
      ? (() => {
          try {
            return new URL(link).pathname.split('/').filter(Boolean);
          } catch {
            return [];
          }
        })()
      : [];
    return parseShape(
      Entry,
      {
        title: childText(inner, 'title'),
        key: (path.length >= 2 ? path.at(-1) : null) || id || link,
        link,
        publishedAt: published ?? updated,
        updatedAt: updated ?? published,
        html: content ? xmlText(content.inner) : '',
      },
      `feed entry ${index + 1}`,
    );
  });
}

type Marked = { label: string; body: string; at: number };

/** Statuspage/Instatus update paragraphs: `<small>date</small><br><strong>Label</strong> - body`, newest first. */
function markedUpdates(html: string, ref: number): Marked[] {
  const out: Marked[] = [];
  for (const m of html.matchAll(
    /<small>([\s\S]*?)<\/small>\s*<br\s*\/?>\s*<strong>([\s\S]*?)<\/strong>\s*-?\s*([\s\S]*?)<\/p>/gi,
  )) {
    const at = parseYearlessStamp(htmlToText(m[1]!), ref);
    if (at !== null) out.push({ label: htmlToText(m[2]!), body: htmlToText(m[3]!), at });
  }
  return out;
}

const labelled = (html: string, label: string): string | null => {
  const m = new RegExp(`<strong>\\s*${label}:?\\s*</strong>:?\\s*([\\s\\S]*?)</p>`, 'i').exec(html);
  return m ? htmlToText(m[1]!) : null;
};

const RESOLVED_WORDS = /\b(resolved|operating normally|has been mitigated|has recovered|completed)\b/i;

function toIncident(entry: Entry, now: number): SnapshotIncident {
  const marked = markedUpdates(entry.html, entry.updatedAt);
  const type = labelled(entry.html, 'Type');
  const kind: IncidentKind =
    /maintenance/i.test(type ?? '') ||
    /(^|[/:])maintenance[s]?\//i.test(entry.link ?? '') ||
    (marked.length > 0 && isMaintenanceWord(marked.at(-1)!.label))
      ? 'maintenance'
      : 'incident';
  const normalise = kind === 'maintenance' ? normaliseMaintenanceState : normaliseIncidentState;
  const affected = labelled(entry.html, 'Affected Components');
  const components = (affected ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
    .map((name) => ({ key: name, name }));
  const base = {
    key: entry.key,
    kind,
    title: entry.title,
    impact: 'unknown' as const,
    rawImpact: null,
    url: entry.link?.startsWith('https://') ? entry.link : null,
    scheduledFor: null,
    scheduledUntil: null,
    components,
  };

  if (marked.length > 0) {
    // "Update" entries keep the state before them, so read oldest first.
    let previous: SnapshotUpdate['state'] = 'unknown';
    let previousRaw: string | null = null;
    const updates: SnapshotUpdate[] = [...marked]
      .reverse()
      .map((u, index) => {
        const s = normalise(u.label);
        if (s.value !== 'unknown') [previous, previousRaw] = [s.value, s.raw];
        return {
          key: `${u.at}-${index}`,
          state: s.value === 'unknown' ? previous : s.value,
          rawState: s.value === 'unknown' ? previousRaw : s.raw,
          body: u.body,
          at: u.at,
        };
      })
      .reverse();
    const latest = updates[0]!;
    const closed = ['resolved', 'postmortem', 'completed'].includes(latest.state);
    return {
      ...base,
      state: latest.state,
      rawState: latest.rawState,
      startedAt: Math.min(entry.publishedAt, updates.at(-1)!.at),
      resolvedAt: closed ? latest.at : null,
      updates,
    };
  }
  const body = htmlToText(entry.html);
  const resolved = RESOLVED_WORDS.test(entry.title) || RESOLVED_WORDS.test(body);
  const update: SnapshotUpdate = {
    key: `${entry.updatedAt}`,
    state: resolved ? 'resolved' : 'unknown',
    rawState: null,
    body,
    at: entry.updatedAt,
  };
  return {
    ...base,
    kind: 'incident',
    state: update.state,
    rawState: null,
    startedAt: entry.publishedAt,
    resolvedAt: resolved ? entry.updatedAt : null,
    updates: body ? [update] : [],
    unlistedAt: !resolved && now - entry.updatedAt >= FEED_CURRENT_MS ? now : null,
  };
}

/** Reads a feed of incidents; an empty feed is a valid answer (Azure's means no active event). */
export function readFeed(body: string, now: number): DocumentReading {
  return { incidents: readEntries(body).map((e) => toIncident(e, now)), listsAllOpen: false };
}

export const feedAdapter: Adapter = {
  documents: (page) => [{ name: MAIN_DOCUMENT, url: page.url, accept: FEED_TYPES }],
  read: (_document, body, _page, now) => readFeed(body, now),
};
