// Preload for process tests: this machine's name servers (as /etc/resolv.conf would give them) replaced by the one in
// TEST_SYSTEM_DNS_SERVER, e.g. a server on loopback that never answers, as on a machine whose name resolution hangs.
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

if (process.env.TEST_SYSTEM_DNS_SERVER) {
  dns.setServers([process.env.TEST_SYSTEM_DNS_SERVER]);
  // setServers rebinds the module's functions; ES module imports of node:dns see them only once synced.
  syncBuiltinESMExports();
}
