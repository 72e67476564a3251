// `/:provider`: the full status dashboard with evidence, components, incidents and error pages (route and view model).
import type { FastifyInstance } from 'fastify';
import type { Provider } from '../../catalog/schema.ts';
import type { WebDeps } from '../http/deps.ts';
import { trackedProvider, parseOr400 } from '../http/problems.ts';
import { pageTemplate } from '../http/render.ts';
import { ReportedQuery, reportedQueryString } from '../blocks/report-input.ts';
import { historyBlockView, type HistoryBlockView } from '../blocks/history.ts';
import type { Catalog } from '../../catalog/load.ts';
import { errorTypesFor } from '../../catalog/load.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import { namesIn } from '../blocks/correlated.ts';
import { answerView, type AnswerView } from '../blocks/answer.ts';
import { componentsView, incidentsView, levelView, type ComponentsView, type IncidentsView } from '../blocks/common.ts';
import { communityView, type CommunityBlockView, type ReportFormInput } from '../blocks/community.ts';
import type { LinkView } from '../blocks/common.ts';
import { resourceLinks } from '../blocks/common.ts';
import { liveSignalsView, type LiveSignalsView } from '../blocks/live.ts';
import type { Crumb } from '../http/structured-data.ts';
import { providerFeedLinks } from '../machine/feed.ts';
import type { FeedLink } from '../http/render.ts';
import { officialPageHref, signalWords } from '../blocks/text.ts';
import { formatDay } from '../../time.ts';

export type ProviderPageView = {
  provider: { slug: string; name: string; description: string };
  title: string;
  description: string;
  breadcrumbs: Crumb[];
  feeds: FeedLink[];
  answer: AnswerView;
  official: { href: string | undefined };
  community: CommunityBlockView;
  live: LiveSignalsView;
  components: ComponentsView;
  incidents: IncidentsView;
  errorPages: (LinkView & { summary: string })[];
  links: { isItDown: LinkView; diagnose: LinkView };
  resources: LinkView[];
  /** Where the catalog's source and probe were verified, grouped by the day they were seen so. */
  verified: { seen: string; seenText: string; links: LinkView[] }[];
};

/** A short label for an evidence address: its host and its last path segment, if any. */
function evidenceLabel(url: string): string {
  const { host, pathname } = new URL(url);
  const segments = pathname.split('/').filter(Boolean);
  if (segments.length === 0) return host;
  return `${host}/${segments.length > 1 ? '…/' : ''}${segments.at(-1)}`;
}

export function providerPageView(
  data: ProviderData,
  catalog: Catalog,
  probeIntervalMs: number,
  form: ReportFormInput,
): ProviderPageView {
  const p = data.provider;
  const level = levelView(data.status.level);
  return {
    provider: { slug: p.slug, name: p.name, description: p.description },
    title: `${p.name} status: ${level.label}`,
    description:
      `Is ${p.name} down? Live status of ${p.name}'s API from ${signalWords(p)}, ` +
      'with components, incidents and error guides.',
    breadcrumbs: [
      { name: 'All providers', path: '/' },
      { name: p.name, path: `/${p.slug}` },
    ],
    feeds: providerFeedLinks(p),
    answer: answerView(data, {
      subject: `the ${p.name} API`,
      products: 'all',
      full: true,
      nameOf: namesIn(catalog),
    }),
    official: { href: officialPageHref(p) },
    community: communityView(data, form),
    live: liveSignalsView(data, probeIntervalMs),
    components: componentsView(data),
    incidents: incidentsView(data),
    errorPages: errorTypesFor(catalog, p).map((e) => ({
      label: e.title,
      href: `/${p.slug}/error/${e.slug}`,
      summary: e.shortTitle,
    })),
    resources: resourceLinks(data),
    verified: [...new Set(p.evidence.map((e) => e.seen))].map((seen) => ({
      seen,
      seenText: formatDay(Date.parse(`${seen}T00:00:00Z`)),
      links: p.evidence.filter((e) => e.seen === seen).map((e) => ({ label: evidenceLabel(e.url), href: e.url })),
    })),
    links: {
      isItDown: { label: `Is ${p.name} down right now?`, href: `/${p.slug}/is-it-down` },
      diagnose: { label: `Diagnose an error message from ${p.name}`, href: `/diagnose?provider=${p.slug}` },
    },
  };
}

const template = pageTemplate<ProviderPageView & { history: HistoryBlockView }>('provider');

/**
 * The data version of a provider's dashboard and error pages. They also name the others in trouble together with it,
 * so they change when those do. Both numbers only grow, so their sum changes whenever either does.
 */
export async function providerPageVersion(deps: WebDeps, provider: Provider): Promise<number> {
  return deps.store.versions.of(provider.slug) + (await deps.assessor.correlation(deps.now())).epoch;
}

export async function providerPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, config, assessor, pages, now, formTokens, history } = deps;
  app.get<{ Params: { provider: string } }>('/:provider', async (request, reply) => {
    const provider = trackedProvider(catalog, request.params.provider);
    const reported = parseOr400(ReportedQuery, request.query, 'query');
    const key = `page:/${provider.slug}${reportedQueryString(reported)}`;
    return pages.serve(request, reply, key, await providerPageVersion(deps, provider), async () => {
      const data = await assessor.of(provider, now());
      const view = {
        ...providerPageView(data, catalog, config.probeIntervalMs, {
          token: formTokens.issue(provider.slug, data.now),
          ...reported,
        }),
        history: historyBlockView(await history.read(provider, data.now), { compact: true }),
      };
      const meta = {
        title: view.title,
        description: view.description,
        path: `/${provider.slug}`,
        breadcrumbs: view.breadcrumbs,
        feeds: view.feeds,
      };
      return pages.html(template, meta, view);
    });
  });
}
