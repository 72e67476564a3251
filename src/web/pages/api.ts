// `/api`: the JSON API, feeds and badges explained, with this site's own addresses (route and view model).
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../http/deps.ts';
import { CATALOG_ONLY, pageTemplate } from '../http/render.ts';
import type { Catalog } from '../../catalog/load.ts';
import type { Crumb } from '../http/structured-data.ts';
import { allFeedPath, providerFeedPath } from '../machine/feed.ts';
import { slugOf } from '../blocks/text.ts';

export type ApiPageView = {
  title: string;
  description: string;
  breadcrumbs: Crumb[];
  endpoints: { method: string; path: string; href: string; what: string }[];
  example: {
    name: string;
    curl: string;
    badgeHref: string;
    badgeMarkdown: string;
    componentBadgeHref: string | null;
    componentName: string | null;
    shieldsMarkdown: string;
    embedSnippet: string;
  };
  openapiHref: string;
};

export function apiPageView(catalog: Catalog, siteUrl: string, siteName: string): ApiPageView {
  const p = catalog.providers[0]!;
  const component = p.components[0]?.name ?? null;
  const badgePath = `/${p.slug}/badge.svg`;
  const componentBadgePath = component ? `/${p.slug}/components/${slugOf(component)}/badge.svg` : null;
  return {
    title: `API, feeds and badges · ${siteName}`,
    description:
      `Read every AI API provider's status as JSON, follow incidents as Atom feeds, and embed live ` +
      `status badges. Described by an OpenAPI 3.1 document.`,
    breadcrumbs: [
      { name: 'All providers', path: '/' },
      { name: 'API', path: '/api' },
    ],
    endpoints: [
      {
        method: 'GET',
        path: '/api/v1/providers',
        href: '/api/v1/providers',
        what: 'Every provider with its level, label, reasons and the time of the last check.',
      },
      {
        method: 'GET',
        path: '/api/v1/providers/{provider}',
        href: `/api/v1/providers/${p.slug}`,
        what: 'One provider: level, reasons, components, incidents, community reports and probes.',
      },
      {
        method: 'GET',
        path: '/feed.atom',
        href: allFeedPath,
        what: 'Atom feed of every provider’s incidents and their updates, official and detected by us.',
      },
      {
        method: 'GET',
        path: '/{provider}/feed.atom',
        href: providerFeedPath(p.slug),
        what: 'The same for one provider.',
      },
      {
        method: 'GET',
        path: '/{provider}/badge.svg',
        href: badgePath,
        what: 'An SVG badge of the provider’s status.',
      },
      {
        method: 'GET',
        path: '/{provider}/components/{component}/badge.svg',
        href: componentBadgePath ?? badgePath,
        what: 'An SVG badge of one component; the component is its name in lower case, words joined by "-".',
      },
      {
        method: 'GET',
        path: '/{provider}/api/v2/summary.json',
        href: `/${p.slug}/api/v2/summary.json`,
        what:
          'Statuspage-compatible API (also status, components, incidents and scheduled-maintenances): point any ' +
          'Statuspage client at /{provider}.',
      },
      {
        method: 'GET',
        path: '/{provider}/shields.json',
        href: `/${p.slug}/shields.json`,
        what: 'Shields.io endpoint JSON of the provider’s status; /{provider}/error/{error}/shields.json gives a verdict.',
      },
      {
        method: 'GET',
        path: '/{provider}/embed',
        href: `/${p.slug}/embed`,
        what: 'A small status card without JavaScript that any site may show in an iframe.',
      },
    ],
    example: {
      name: p.name,
      curl: `curl -s ${siteUrl}/api/v1/providers/${p.slug}`,
      badgeHref: badgePath,
      badgeMarkdown: `[![${p.name} status](${siteUrl}${badgePath})](${siteUrl}/${p.slug})`,
      componentBadgeHref: componentBadgePath,
      componentName: component,
      shieldsMarkdown: `![${p.name}](https://img.shields.io/endpoint?url=${encodeURIComponent(`${siteUrl}/${p.slug}/shields.json`)})`,
      embedSnippet:
        `<iframe src="${siteUrl}/${p.slug}/embed" title="${p.name} API status" width="320" height="80" ` +
        `style="border:0" loading="lazy"></iframe>`,
    },
    openapiHref: '/api/v1/openapi.json',
  };
}

const template = pageTemplate<ApiPageView>('api');

export async function apiPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, config, pages } = deps;
  app.get('/api', async (request, reply) =>
    pages.serve(request, reply, 'page:/api', CATALOG_ONLY, () => {
      const view = apiPageView(catalog, config.siteUrl, config.siteName);
      const meta = { title: view.title, description: view.description, path: '/api', breadcrumbs: view.breadcrumbs };
      return pages.html(template, meta, view);
    }),
  );
}
