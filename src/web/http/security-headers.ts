// Security headers (CSP, HSTS, nosniff…): computed once by helmet from the site's policy, then set on every reply.
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';

/** The site's policy: no inline script or style, no framing, forms only to ourselves; HTTPS rules only behind https. */
export function helmetOptions(config: Config): HelmetOptions {
  const https = config.siteUrl.startsWith('https://');
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https,
    crossOriginEmbedderPolicy: false,
    // For browsers and plug-ins no longer in use: X-XSS-Protection only turned off an auditor no browser has kept,
    // X-Download-Options is for Internet Explorer 8, X-Permitted-Cross-Domain-Policies for Flash and old Acrobat.
    xXssProtection: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  };
}

/** Runs helmet's middleware once against a recording response and returns the headers it set. */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * Every reply, pages and errors alike, carries the same precomputed headers (helmet per request re-parses them); a
 * header the route set itself (the embed's CSP, a public API's CORP) is kept. Added as the reply is sent, so a reply
 * that set none pays nothing before; cached pages are written with them by the front (front.ts).
 */
export function registerSecurityHeaders(app: FastifyInstance, headers: Readonly<Record<string, string>>): void {
  const entries = Object.entries(headers);
  // A callback hook, not an async one: no promise per request.
  app.addHook('onSend', (_request, reply, payload, done) => {
    for (const [name, value] of entries) if (!reply.hasHeader(name)) reply.header(name, value);
    done(null, payload);
  });
}
