// Page rendering: wraps a view model with the layout's meta data and renders it through @fastify/view into the cache.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Catalog } from '../../catalog/load.ts';
import type { Config } from '../../config.ts';
import type { Assets } from './assets.ts';
import type { Front, ServeType } from './front.ts';
import type { RenderCache } from './render-cache.ts';
import { structuredData, type Crumb, type FaqItem } from './structured-data.ts';

/** Search engines show about 160 characters: longer texts end at their last full sentence (or word) within 200. */
export function metaDescription(text: string, maxLength = 200): string {
  if (text.length <= maxLength) return text;
  const head = text.slice(0, maxLength);
  const sentence = head.lastIndexOf('. ');
  return sentence > maxLength / 2 ? head.slice(0, sentence + 1) : `${head.slice(0, head.lastIndexOf(' '))}…`;
}

/** Drops the templates' indentation and blank lines outside <pre> and <textarea>, whose whitespace is content. */
export function compactHtml(html: string): string {
  return html
    .split(/(<(?:pre|textarea)\b[\s\S]*?<\/(?:pre|textarea)>)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\n[ \t\n]+/g, '\n')))
    .join('');
}

/** A feed a page links to with rel="alternate"; `path` is site-relative. */
export type FeedLink = { title: string; path: string };

export type PageMeta = {
  title: string;
  description: string;
  path: string;
  /** The trail from the home page to this page (this page last); becomes BreadcrumbList JSON-LD. */
  breadcrumbs?: Crumb[];
  /** Questions with plain-text answers; becomes FAQPage JSON-LD. */
  faq?: FaqItem[];
  /** Atom feeds about this page, linked with rel="alternate". */
  feeds?: FeedLink[];
  /** Pages that must not be indexed (errors and not-found answers). */
  noindex?: boolean;
};

/** Languages the pages exist in; the layout links each as an hreflang alternate (one today). */
export const LANGUAGES = ['en'] as const;

/**
 * A template and the type of the view it renders: each page family names its template once, here typed, so a page
 * cannot be rendered with another page's view. `name` is the template's path under views/.
 */
export type Template<View> = { readonly name: string; readonly viewType?: (view: View) => void };

/** A page family's template (views/pages/<name>.eta), rendered inside the layout. */
export function pageTemplate<View>(name: string): Template<View> {
  return Object.freeze({ name: `pages/${name}` });
}

/** A template rendered without the layout (views/machine/<name>.eta: feeds, badges, sitemap, embed). */
export function machineTemplate<View extends object>(name: string): Template<View> {
  return Object.freeze({ name: `machine/${name}` });
}

/** The data version of pages built from the catalog and configuration alone: they never change while the process runs. */
export const CATALOG_ONLY = 0;

export type PageRenderer = {
  /** Renders a page to HTML (uncached). */
  html<View>(template: Template<View>, meta: PageMeta, view: NoInfer<View>): Promise<string>;
  /** Renders a template without the layout (feeds, badges, sitemap). */
  text<View extends object>(template: Template<View>, view: NoInfer<View>): Promise<string>;
  /** Serves a page from the render cache, rendering it when its data version changed. */
  serve(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    version: number,
    render: () => Promise<string>,
  ): Promise<FastifyReply>;
  /** Serves JSON from the render cache. */
  serveJson(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    version: number,
    build: () => unknown,
  ): Promise<FastifyReply>;
  /** Serves any text content type from the render cache, with its own Cache-Control when given. */
  serveAs(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    version: number,
    type: ServeType,
    render: () => string | Promise<string>,
  ): Promise<FastifyReply>;
};

/** The header's "Get alerts" link: a page under `/<provider>/` subscribes to that provider, any other to all. */
export function alertsHref(catalog: Catalog, path: string): string {
  const provider = catalog.providerBySlug.get(path.split('/')[1] ?? '');
  return provider ? `/${provider.slug}/subscribe` : '/subscribe';
}

export function createPageRenderer(
  app: FastifyInstance,
  deps: {
    config: Config;
    catalog: Catalog;
    assets: Assets;
    cache: RenderCache;
    now: () => number;
    front: Front;
  },
): PageRenderer {
  const { config, catalog, assets, cache, now, front } = deps;
  const stylesheet = assets.url('site.css');
  const icon = assets.url('icon.svg');
  const localTime = assets.url('local-time.js');
  const serveAs: PageRenderer['serveAs'] = async (request, reply, key, version, type, render) => {
    const page = await cache.get(key, version, now(), type.contentType, render);
    front.send(request, reply, page, type, page.version === version);
    return reply;
  };
  return {
    html(template, meta, view) {
      const canonical = `${config.siteUrl}${meta.path}`;
      const page = app.view(template.name, {
        meta: {
          title: meta.title,
          description: metaDescription(meta.description),
          canonical,
          lang: LANGUAGES[0],
          alternates: [
            ...LANGUAGES.map((hreflang) => ({ hreflang, href: canonical })),
            { hreflang: 'x-default', href: canonical },
          ],
          feeds: (meta.feeds ?? []).map((feed) => ({ title: feed.title, href: `${config.siteUrl}${feed.path}` })),
          jsonLd: structuredData(meta, config.siteUrl),
          noindex: meta.noindex === true,
          siteName: config.siteName,
          stylesheet,
          icon,
          localTime,
          alertsHref: alertsHref(catalog, meta.path),
        },
        view,
      });
      return page.then(compactHtml);
    },
    text(template, view) {
      return app.view(template.name, view);
    },
    serve: (request, reply, key, version, render) =>
      serveAs(request, reply, key, version, { contentType: 'text/html; charset=utf-8' }, render),
    serveJson: (request, reply, key, version, build) =>
      serveAs(request, reply, key, version, { contentType: 'application/json; charset=utf-8' }, async () =>
        JSON.stringify(await build()),
      ),
    serveAs,
  };
}
