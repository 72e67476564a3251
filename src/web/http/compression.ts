// Compression of every text answer not already compressed (problem pages, forms, health, MCP…): br or gzip as the
// client asks, with Vary: Accept-Encoding. Cached pages and assets keep their compressed copies and skip this.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { compress, pickEncoding } from './render-cache.ts';

/** Content types worth compressing: text, JSON, XML, SVG and JavaScript. */
export function isTextType(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type === 'application/xml' ||
    type === 'application/javascript' ||
    type === 'image/svg+xml' ||
    type.endsWith('+json') ||
    type.endsWith('+xml')
  );
}

/** Adds accept-encoding to Vary unless it is there. */
function varyOnEncoding(reply: FastifyReply): void {
  const vary = String(reply.getHeader('vary') ?? '');
  if (/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) return;
  reply.header('vary', vary ? `${vary}, accept-encoding` : 'accept-encoding');
}

export function registerCompression(app: FastifyInstance): void {
  // A callback hook, not an async one: no promise per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (reply.hasHeader('content-encoding')) return done(null, payload);
    if (!isTextType(String(reply.getHeader('content-type') ?? ''))) return done(null, payload);
    varyOnEncoding(reply);
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
    if (payload.length === 0) return done(null, payload);
    const encoding = pickEncoding(request.headers['accept-encoding']);
    if (!encoding) return done(null, payload);
    reply.header('content-encoding', encoding).removeHeader('content-length');
    done(null, compress(payload, encoding));
  });
}
