// Name lookups for the HTTP door: the system's resolver (getaddrinfo), or DNS servers of the operator's choosing.
import { lookup as systemLookup, Resolver } from 'node:dns';
import type { LookupFunction } from 'node:net';

export type Lookup = { lookup: LookupFunction; close(): void };

type Answer = { address: string; family: 4 | 6 };
type Callback = (error: NodeJS.ErrnoException | null, address: string | Answer[], family?: number) => void;

/** The system resolver. Its lookups run in the thread pool and cannot be cancelled; the door stops waiting instead. */
export const systemResolver = (): Lookup => ({ lookup: systemLookup as LookupFunction, close: () => undefined });

/**
 * Lookups sent straight to `servers` ("ip" or "ip:port", "[v6]:port"), each query given `timeoutMs` and one retry;
 * close() cancels the ones still waiting. IPv4 answers first, IPv6 when a name has no IPv4 address.
 */
export function dnsServersResolver(servers: readonly string[], timeoutMs: number): Lookup {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  resolver.setServers([...servers]);
  const resolve = (hostname: string, family: 4 | 6): Promise<Answer[]> =>
    new Promise((done, fail) => {
      const method = family === 4 ? resolver.resolve4.bind(resolver) : resolver.resolve6.bind(resolver);
      method(hostname, (error, addresses) =>
        error ? fail(error) : done(addresses.map((address) => ({ address, family }))),
      );
    });
  const lookup: LookupFunction = (hostname, options, callback) => {
    const cb = callback as unknown as Callback;
    const wanted = (options as { family?: number | string }).family;
    const all = (options as { all?: boolean }).all === true;
    const order: (4 | 6)[] = wanted === 6 || wanted === 'IPv6' ? [6] : wanted === 4 || wanted === 'IPv4' ? [4] : [4, 6];
    void (async () => {
      let lastError: NodeJS.ErrnoException | null = null;
      for (const family of order) {
        try {
          const answers = await resolve(hostname, family);
          if (answers.length === 0) continue;
          return all ? cb(null, answers) : cb(null, answers[0]!.address, answers[0]!.family);
        } catch (error) {
          lastError = error as NodeJS.ErrnoException;
          if (lastError.code === 'ECANCELLED') break;
        }
      }
      cb(lastError ?? Object.assign(new Error(`queryA ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
    })();
  };
  return { lookup, close: () => resolver.cancel() };
}
