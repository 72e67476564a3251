// Preload for process tests: the system resolver (dns.lookup) never answers for names, as on a machine whose name
// resolution hangs; an IP literal is answered at once, as Node itself does without asking getaddrinfo. Each pending
// lookup holds the event loop, as a getaddrinfo call in the thread pool does.
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { isIP } from 'node:net';

const systemLookup = dns.lookup;
dns.lookup = (hostname, ...rest) => {
  if (isIP(hostname) !== 0) return systemLookup(hostname, ...rest);
  if (process.env.SILENT_LOOKUP_LOG) appendFileSync(process.env.SILENT_LOOKUP_LOG, `${hostname}\n`);
  setTimeout(() => undefined, 10 * 60 * 1000);
};
syncBuiltinESMExports();
