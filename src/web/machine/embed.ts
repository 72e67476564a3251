// The no-JavaScript embed (/<provider>/embed): a small card any site may frame, while every other page refuses framing.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../http/deps.ts';
import type { ServeType } from '../http/front.ts';
import { compactHtml, machineTemplate } from '../http/render.ts';
import { trackedProvider } from '../http/problems.ts';
import { LEVEL_LABELS } from '../../domain.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import { LEVEL_TONES, timeView, type TimeView } from '../blocks/common.ts';

const HTML = {
  contentType: 'text/html; charset=utf-8',
  cacheControl: 'public, max-age=60, stale-while-revalidate=60',
};

/** The site's CSP with framing allowed from anywhere: the one change the embed needs. */
export function framableCsp(csp: string): string {
  const directives = csp.split(';').map((d) => d.trim());
  if (!directives.some((d) => d.startsWith('frame-ancestors ')))
    throw new Error('the site CSP has no frame-ancestors to relax');
  return directives.map((d) => (d.startsWith('frame-ancestors ') ? 'frame-ancestors *' : d)).join(';');
}

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

const template = machineTemplate<ReturnType<typeof embedView>>('embed');

/** What the embed adds to the web layer's dependencies: its own stylesheet and the site's CSP it relaxes. */
export type EmbedDeps = WebDeps & { embed: { stylesheet: string; siteCsp: string } };

export async function embedWidget(app: FastifyInstance, deps: EmbedDeps): Promise<void> {
  const { catalog, config, assessor, store, pages, now, embed: options } = deps;
  const site = { siteUrl: config.siteUrl, siteName: config.siteName };
  // Any site may frame it: its own CSP, no X-Frame-Options, readable across origins.
  const type: ServeType = {
    ...HTML,
    headers: {
      'content-security-policy': framableCsp(options.siteCsp),
      'cross-origin-resource-policy': 'cross-origin',
      'x-frame-options': null,
    },
  };

  app.get<{ Params: { provider: string } }>(embedPath(':provider'), async (request, reply) => {
    const provider = trackedProvider(catalog, request.params.provider);
    return pages.serveAs(request, reply, `embed:${provider.slug}`, store.versions.of(provider.slug), type, async () => {
      const view = embedView(await assessor.of(provider, now()), site, options.stylesheet);
      return compactHtml(await pages.text(template, view));
    });
  });
}
