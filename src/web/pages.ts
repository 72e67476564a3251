// Page rendering: wraps a view model with the layout's meta data and renders it through @fastify/view into the cache.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Assets } from './assets.ts';
import { sendPage, type RenderCache } from './render-cache.ts';

export type PageMeta = { title: string; description: string; path: string };

export type PageRenderer = {
  /** Renders a page to HTML (uncached). */
  html(template: string, meta: PageMeta, view: unknown): Promise<string>;
  /** Serves a page from the render cache, rendering it when its data version changed. */
  serve(request: FastifyRequest, reply: FastifyReply, key: string, version: number, render: () => Promise<string>): Promise<FastifyReply>;
  /** Serves JSON from the render cache. */
  serveJson(request: FastifyRequest, reply: FastifyReply, key: string, version: number, build: () => unknown): Promise<FastifyReply>;
};

export function createPageRenderer(app: FastifyInstance, deps: { config: Config; assets: Assets; cache: RenderCache; now: () => number }): PageRenderer {
  const { config, assets, cache, now } = deps;
  const stylesheet = assets.url('site.css');
  return {
    html(template, meta, view) {
      return app.view(`pages/${template}`, {
        meta: {
          title: meta.title,
          description: meta.description,
          canonical: `${config.siteUrl}${meta.path}`,
          siteName: config.siteName,
          stylesheet,
        },
        view,
      });
    },
    async serve(request, reply, key, version, render) {
      const page = await cache.get(key, version, now(), 'text/html; charset=utf-8', render);
      return sendPage(request, reply, page);
    },
    async serveJson(request, reply, key, version, build) {
      const page = await cache.get(key, version, now(), 'application/json; charset=utf-8', () => JSON.stringify(build()));
      return sendPage(request, reply, page);
    },
  };
}
