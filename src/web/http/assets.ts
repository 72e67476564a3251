// Static assets from views/assets: read once at boot, fingerprinted, served from memory with long-lived caching.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { compressed, pickEncoding, type Compressible } from './render-cache.ts';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

type Asset = Compressible & { type: string; hash: string };

/** Text assets are sent compressed when the client accepts it; images other than SVG already are. */
const isText = (type: string) => type.startsWith('text/') || type.startsWith('image/svg+xml');

export type Assets = { url(name: string): string };

export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, { body, type, hash: createHash('sha1').update(body).digest('hex').slice(0, 12) });
  }
  return assets;
}

/** Registers GET /assets/:name; `url(name)` gives the fingerprinted address templates link to. */
export function registerAssets(app: FastifyInstance, dir: string): Assets {
  const assets = loadAssets(dir);
  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) return reply.callNotFound();
    reply
      .type(asset.type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('etag', `"${asset.hash}"`);
    if (!isText(asset.type)) return reply.send(asset.body);
    reply.header('vary', 'accept-encoding');
    const encoding = pickEncoding(request.headers['accept-encoding']);
    if (!encoding) return reply.send(asset.body);
    return reply.header('content-encoding', encoding).send(compressed(asset, encoding));
  });
  return {
    url(name) {
      const asset = assets.get(name);
      if (!asset) throw new Error(`no asset named ${name} in ${dir}`);
      return `/assets/${name}?v=${asset.hash}`;
    },
  };
}
