// View model of the no-JavaScript embed: a provider's API level, its one-line reason, the age of its freshest signal
// and a link to the full page.
import { LEVEL_LABELS } from '../../domain.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import { LEVEL_TONES, timeView, type TimeView } from '../blocks/common.ts';

export const embedPath = (slug: string) => `/${slug}/embed`;

export type EmbedView = {
  title: string;
  providerName: string;
  level: string;
  tone: string;
  reason: string;
  /** The newest good reading of any signal; null before the first. */
  checked: TimeView | null;
  href: string;
  stylesheet: string;
};

export function embedView(data: ProviderData, site: { siteUrl: string; siteName: string }, stylesheet: string) {
  const s = data.status;
  const label = LEVEL_LABELS[s.level];
  return {
    title: `${data.provider.name}: ${label} · ${site.siteName}`,
    providerName: data.provider.name,
    level: label,
    tone: LEVEL_TONES[s.level],
    reason: s.summary,
    checked: timeView(s.lastGoodAt, data.now),
    href: `${site.siteUrl}/${data.provider.slug}`,
    stylesheet,
  } satisfies EmbedView;
}
