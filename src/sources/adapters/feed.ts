// Atom and RSS incident feeds: Statuspage and Instatus histories with their update markup, or plain entries.
import * as z from 'zod';
import {
  CLOSED_STATES,
  MAIN_DOCUMENT,
  type IncidentKind,
  type SnapshotIncident,
  type SnapshotUpdate,
} from '../../domain.ts';
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
  /** The entry's own id (RSS `guid`, Atom `id`): feeds with one item per update repeat it for every update. */
  id: z.string().nullable(),
  link: z.string().nullable(),
  categories: z.array(z.string()),
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
    // The incident's own id is the last segment of a link like /incidents/<id>; generic links (or one link for all,
    // told apart by its query: Azure's ?trackingId=) fall back to the id.
    const path = link
      ? (() => {
          try {
            const url = new URL(link);
            return url.search ? [] : url.pathname.split('/').filter(Boolean);
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
        id: id || null,
        link,
        categories: elements(inner, 'category').map((c) => xmlText(c.inner).trim()),
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

/** A `Status: <State>` first line (Mistral's and incident.io's feeds), the body after it, the affected list. */
function statusLine(html: string): { word: string; body: string; affected: string[] } | null {
  const lines = htmlToText(html).split('\n');
  const m = /^Status:\s*(.+)$/i.exec(lines[0] ?? '');
  if (!m) return null;
  const split = html.search(/Affected (services|components)/i);
  const affected =
    split < 0
      ? []
      : [...html.slice(split).matchAll(/<li>([\s\S]*?)<\/li>/gi)]
          .map((li) => htmlToText(li[1]!).replace(/\s*\([^()]*\)$/, ''))
          .filter(Boolean);
  const end = lines.findIndex((l) => /^Affected (services|components)$/i.test(l));
  return { word: m[1]!.trim(), body: lines.slice(1, end < 0 ? undefined : end).join('\n'), affected };
}

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
  const status = statusLine(entry.html);
  const maintenance = status !== null && isMaintenanceWord(status.word);
  const s = status && (maintenance ? normaliseMaintenanceState : normaliseIncidentState)(status.word);
  // An unseen word (xAI's ACTIVE) tells no lifecycle: such an entry is read as a plain one below.
  if (status && s && s.value !== 'unknown') {
    const closed = (CLOSED_STATES as readonly string[]).includes(s.value);
    return {
      ...base,
      kind: maintenance ? 'maintenance' : 'incident',
      state: s.value,
      rawState: s.raw,
      startedAt: entry.publishedAt,
      resolvedAt: closed ? entry.updatedAt : null,
      updates: [{ key: `${entry.updatedAt}`, state: s.value, rawState: s.raw, body: status.body, at: entry.updatedAt }],
      components: status.affected.map((name) => ({ key: name, name })),
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

/** One incident told by several entries (one per update, the same id): the newest entry's words, every update. */
function fold(told: readonly SnapshotIncident[]): SnapshotIncident {
  const newest = told.reduce((a, b) => ((b.updates[0]?.at ?? b.startedAt) > (a.updates[0]?.at ?? a.startedAt) ? b : a));
  const components = new Map(told.flatMap((i) => i.components).map((c) => [c.key, c]));
  return {
    ...newest,
    startedAt: Math.min(...told.map((i) => i.startedAt)),
    updates: told.flatMap((i) => i.updates).sort((a, b) => b.at - a.at),
    components: newest.components.length > 0 ? newest.components : [...components.values()],
  };
}

/** Whether an entry mentions one of `products` (Azure's feed covers every Azure service) in its title, categories or text. */
function concerns(entry: Entry, products: readonly string[] | undefined): boolean {
  if (!products || products.length === 0) return true;
  const text = [entry.title, ...entry.categories, htmlToText(entry.html)].join('\n').toLowerCase();
  return products.some((p) => text.includes(p.toLowerCase()));
}

/**
 * Reads a feed of incidents, the entries sharing an id folded into one; an empty feed is a valid answer (Azure's
 * means no active event). `products`, when given, keeps only the entries that mention one of them. A feed lists its
 * newest entries, so an open incident it no longer lists has ended (Azure's feed holds active events only) or grown
 * old: it lists every open one. (The poll job does not believe a first empty channel while incidents are open.)
 */
export function readFeed(body: string, now: number, products?: readonly string[]): DocumentReading {
  const groups = new Map<string, { entry: Entry; incident: SnapshotIncident }[]>();
  for (const entry of readEntries(body).filter((e) => concerns(e, products))) {
    const told = { entry, incident: toIncident(entry, now) };
    const group = groups.get(entry.id ?? entry.key);
    if (group) group.push(told);
    else groups.set(entry.id ?? entry.key, [told]);
  }
  const incidents = [...groups.values()].map((g) => (g.length === 1 ? g[0]!.incident : fold(g.map((t) => t.incident))));
  return { incidents, listsAllOpen: true };
}

export const feedAdapter: Adapter = {
  url: 'document',
  documents: (page) => [{ name: MAIN_DOCUMENT, url: page.url, accept: FEED_TYPES }],
  read: (_document, body, page, now) => readFeed(body, now, page.products),
};
