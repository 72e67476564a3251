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

/** How the router ranks a path: per segment, static before parametric before wildcard (lower wins). */
function rankOf(path: string): number[] {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment.includes('*') ? 2 : segment.includes(':') ? 1 : 0));
}
const compareRanks = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1)
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
};

type RouteEntry = { pattern: RegExp; rank: number[]; method: string; refuses: boolean };

/**
 * Watches routes as they are added; call before registering any. A route with `config: { refusesMethod: true }`
 * exists only to refuse its method: where it is the route the router picks, that method is not allowed.
 */
export function watchAllowedMethods(app: FastifyInstance): AllowedMethods {
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const pattern = pathPattern(route.url);
    const rank = rankOf(route.url);
    for (const method of [route.method].flat())
      routes.push({ pattern, rank, method, refuses: route.config?.refusesMethod === true });
  });
  return {
    at(url) {
      const path = url.split('?')[0] ?? '';
      const chosen = new Map<string, RouteEntry>();
      for (const route of routes) {
        if (!route.pattern.test(path)) continue;
        const current = chosen.get(route.method);
        if (!current || compareRanks(route.rank, current.rank) < 0) chosen.set(route.method, route);
      }
      return [...chosen.values()]
        .filter((route) => !route.refuses)
        .map((route) => route.method)
        .sort();
    },
  };
}
