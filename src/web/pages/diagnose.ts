// View model of `/diagnose`: the form, and for a paste its ranked matches with live status and verdict.
import type { Crumb } from '../http/structured-data.ts';
import type { Catalog } from '../../catalog/load.ts';
import type { Diagnosis, DiagnosisMatch } from '../../diagnose/match.ts';
import type { Verdict } from '../../domain.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import { levelView, timeView, type LevelView, type TimeView } from '../blocks/common.ts';
import { toSegments, type Segment } from '../blocks/text.ts';

/** How many matches besides the best one are shown. */
export const OTHER_MATCHES = 4;

export type MatchView = {
  provider: { slug: string; name: string };
  error: { slug: string; title: string; shortTitle: string };
  href: string;
  guideHref: string;
  /** Why it matched, clues joined by "; ", code marked as code (no backticks shown). */
  reasons: Segment[];
};

export type LiveMatchView = MatchView & {
  openLabel: string;
  status: LevelView & { summary: string; checked: TimeView | null };
  verdict: { verdict: Verdict; label: string; text: string };
};

export type DiagnoseResultView =
  | { kind: 'provider'; best: LiveMatchView; others: MatchView[] }
  | { kind: 'type'; types: Pick<MatchView, 'error' | 'guideHref' | 'reasons'>[] }
  | { kind: 'none' };

export type DiagnoseView = {
  breadcrumbs: Crumb[];
  title: string;
  description: string;
  form: { text: string; provider: string; providers: { slug: string; name: string; selected: boolean }[] };
  redactions: string[];
  result: DiagnoseResultView | null;
};

const matchView = (m: DiagnosisMatch): MatchView => ({
  provider: { slug: m.provider.slug, name: m.provider.name },
  error: { slug: m.errorType.slug, title: m.errorType.title, shortTitle: m.errorType.shortTitle },
  href: `/${m.provider.slug}/error/${m.errorType.slug}`,
  guideHref: `/errors/${m.errorType.slug}`,
  reasons: toSegments(m.reasons.join('; ')),
});

export function liveMatchView(m: DiagnosisMatch, data: ProviderData): LiveMatchView {
  const verdict = data.error(m.errorType).verdict;
  return {
    ...matchView(m),
    openLabel: `Open the ${m.provider.name} page for this error`,
    status: {
      ...levelView(data.status.level),
      summary: data.status.summary,
      checked: timeView(data.status.lastGoodAt, data.now),
    },
    verdict: { verdict: verdict.verdict, label: verdict.label, text: verdict.text },
  };
}

function resultView(diagnosis: Diagnosis, read: (slug: string) => ProviderData): DiagnoseResultView {
  const [best, ...rest] = diagnosis.matches;
  if (!best) return { kind: 'none' };
  if (!diagnosis.providerKnown) {
    const seen = new Set<string>();
    const types = diagnosis.matches.filter((m) =>
      seen.has(m.errorType.slug) ? false : (seen.add(m.errorType.slug), true),
    );
    return {
      kind: 'type',
      types: types.slice(0, 1 + OTHER_MATCHES).map((m) => {
        const { error, guideHref, reasons } = matchView(m);
        return { error, guideHref, reasons };
      }),
    };
  }
  return {
    kind: 'provider',
    best: liveMatchView(best, read(best.provider.slug)),
    others: rest.slice(0, OTHER_MATCHES).map(matchView),
  };
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export function diagnoseView(
  catalog: Catalog,
  input: { text: string; provider: string },
  diagnosis: Diagnosis | null,
  read: (slug: string) => ProviderData,
): DiagnoseView {
  return {
    breadcrumbs: [
      { name: 'All providers', path: '/' },
      { name: 'Diagnose an error', path: '/diagnose' },
    ],
    title: 'Diagnose an AI API error: paste it, see whose side it is on',
    description:
      'Paste an error message, HTTP status, JSON error body or SDK exception from OpenAI, Anthropic, Gemini ' +
      "and other AI APIs: see which error it is, the provider's live status and whether the problem is on " +
      'your side.',
    form: {
      text: diagnosis ? diagnosis.redacted : '',
      provider: input.provider,
      providers: catalog.providers.map((p) => ({ slug: p.slug, name: p.name, selected: p.slug === input.provider })),
    },
    redactions: diagnosis ? diagnosis.redactions.map((r) => plural(r.count, r.kind)) : [],
    result: diagnosis ? resultView(diagnosis, read) : null,
  };
}
