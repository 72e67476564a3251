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
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.hasHeader('content-encoding')) return payload;
    if (!isTextType(String(reply.getHeader('content-type') ?? ''))) return payload;
    varyOnEncoding(reply);
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    if (payload.length === 0) return payload;
    const encoding = pickEncoding(request.headers['accept-encoding']);
    if (!encoding) return payload;
    reply.header('content-encoding', encoding).removeHeader('content-length');
    return compress(payload, encoding);
  });
}
