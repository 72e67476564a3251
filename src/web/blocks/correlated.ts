// The line that says several providers turned degraded or worse together (a shared cloud or network is the likely
// cause), linking the others; on the home page, also the line that says our own probes are at fault instead.
import { groupOf, type CorrelatedGroup, type Correlation } from '../../status/correlation.ts';
import { isTrouble } from '../../status/trouble.ts';
import { localFaultText } from '../../status/probe.ts';
import { formatUtcShort, toIso } from '../../time.ts';
import type { Catalog } from '../../catalog/load.ts';
import type { ProviderData } from '../../assessment/signals.ts';

/** A link followed by the words that separate it from the next one (", ", " and ", or nothing). */
export type CorrelatedLink = { label: string; href: string; after: string };

/** "<lead> <links> <tail> <times><end>": "Not only X: A, B and C also turned … between 14:05 and 14:12 UTC: …". */
export type CorrelatedLineView = {
  lead: string;
  links: CorrelatedLink[];
  tail: string;
  times: { before: string; iso: string; text: string }[];
  end: string;
};

const END = ': a shared cloud or network is the likely cause.';

export type NameOf = (slug: string) => string;

export const namesIn =
  (catalog: Catalog): NameOf =>
  (slug) =>
    catalog.providerBySlug.get(slug)?.name ?? slug;

const linksOf = (slugs: readonly string[], nameOf: NameOf): CorrelatedLink[] =>
  slugs.map((slug, i) => ({
    label: nameOf(slug),
    href: `/${slug}`,
    after: i === slugs.length - 1 ? '' : i === slugs.length - 2 ? ' and ' : ', ',
  }));

/** "between 14:05 UTC and 14:12 UTC", or "at 14:05 UTC" when every start is the same. */
function timesOf(group: CorrelatedGroup, now: number): CorrelatedLineView['times'] {
  const at = (before: string, t: number) => ({ before, iso: toIso(t), text: formatUtcShort(t, now) });
  return group.since === group.lastSince
    ? [at('at ', group.since)]
    : [at('between ', group.since), at(' and ', group.lastSince)];
}

/** On a provider's pages: the others of its group, while it is in trouble itself. */
export function correlatedLine(data: ProviderData, nameOf: NameOf): CorrelatedLineView | null {
  const group = groupOf(data.correlation, data.provider.slug);
  if (!group || !isTrouble(data.status.level)) return null;
  const others = group.providers.filter((p) => p.slug !== data.provider.slug).map((p) => p.slug);
  return {
    lead: `Not only ${data.provider.name}:`,
    links: linksOf(others, nameOf),
    tail: 'also turned degraded or worse',
    times: timesOf(group, data.now),
    end: END,
  };
}

/** On the home page: each group, or the fault of our own probes. */
export function correlatedLines(
  correlation: Correlation,
  now: number,
  nameOf: NameOf,
): { groups: CorrelatedLineView[]; ours: string | null } {
  return {
    groups: correlation.groups.map((group) => ({
      lead: `${group.providers.length} providers at once:`,
      links: linksOf(
        group.providers.map((p) => p.slug),
        nameOf,
      ),
      tail: 'turned degraded or worse',
      times: timesOf(group, now),
      end: END,
    })),
    ours: correlation.localFault
      ? `${localFaultText(correlation.localFault)}: the fault is most likely on our side, not the providers’.`
      : null,
  };
}
