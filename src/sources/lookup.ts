// Name lookups for the HTTP door, sent as DNS queries from the event loop (c-ares), never through getaddrinfo: a
// getaddrinfo call occupies a thread-pool thread until the system resolver gives up, cannot be cancelled, and
// holds the process's exit until it returns. Queries here are cancelled on close.
import { getServers, Resolver } from 'node:dns';
import type { LookupFunction } from 'node:net';

export type Lookup = { lookup: LookupFunction; close(): void };

type Answer = { address: string; family: 4 | 6 };
type Callback = (error: NodeJS.ErrnoException | null, address: string | Answer[], family?: number) => void;

const LOCALHOST: Answer[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

/**
 * Lookups sent to `servers` ("ip", "ip:port", "[v6]:port"): each query gets `timeoutMs` and one retry, and close()
 * cancels those still waiting. IPv4 answers first, IPv6 when a name has none; `localhost` names are loopback.
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
    const families: (4 | 6)[] =
      wanted === 6 || wanted === 'IPv6' ? [6] : wanted === 4 || wanted === 'IPv4' ? [4] : [4, 6];
    const answer = (answers: Answer[]) => (all ? cb(null, answers) : cb(null, answers[0]!.address, answers[0]!.family));
    if (hostname === 'localhost' || hostname.endsWith('.localhost'))
      return answer(LOCALHOST.filter((a) => families.includes(a.family)));
    void (async () => {
      let lastError: NodeJS.ErrnoException | null = null;
      for (const family of families) {
        try {
          const answers = await resolve(hostname, family);
          if (answers.length > 0) return answer(answers);
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

/** Lookups sent to the name servers this machine is configured with (/etc/resolv.conf); /etc/hosts is not read. */
export const systemResolver = (timeoutMs: number): Lookup => dnsServersResolver(getServers(), timeoutMs);
