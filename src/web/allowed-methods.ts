// The methods each route path answers, learned as routes are added, so a known path asked with another method gets
// 405 with `Allow` (RFC 9110 §15.5.6) instead of 404, for every route the app has.
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route only refuses its method (405): it does not count as answering it. */
    refusesMethod?: boolean;
  }
}

export type AllowedMethods = {
  /** The methods some route answers at this request path (query ignored), sorted; empty when no route matches. */
  at(url: string): string[];
};

/** A route path as find-my-way writes it (`/:provider/badge.svg`, `/assets/*`) as a whole-path pattern. */
export function pathPattern(path: string): RegExp {
  const source = path
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`);
}

/**
 * Watches routes as they are added; call before registering any. A route with `config: { refusesMethod: true }`
 * exists only to refuse its method and does not count as allowing it.
 */
export function watchAllowedMethods(app: FastifyInstance): AllowedMethods {
  const byPath = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  app.addHook('onRoute', (route) => {
    if (route.config?.refusesMethod) return;
    const entry = byPath.get(route.url) ?? { pattern: pathPattern(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) entry.methods.add(method);
    byPath.set(route.url, entry);
  });
  return {
    at(url) {
      const path = url.split('?')[0] ?? '';
      const methods = new Set<string>();
      for (const entry of byPath.values()) {
        if (entry.pattern.test(path)) for (const method of entry.methods) methods.add(method);
      }
      return [...methods].sort();
    },
  };
}
