// Webhook receivers for the delivery benches, in a process of their own so they do not share the site's event
// loop: COUNT servers on loopback answering 204 (with HANG=1, never answering); prints their ports as JSON, then
// answers GET /count on the first with how many requests arrived and how many repeated one already received.
import { createServer } from 'node:http';

let received = 0;
/** Requests per path: each subscription has its own path, so a path seen twice is a delivery received twice. */
const seen = new Map();
let repeated = 0;
const servers = [];
for (let i = 0; i < Number(process.env.COUNT); i += 1) {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/count') return res.end(JSON.stringify({ received, repeated }));
    req.resume();
    req.on('end', () => {
      received += 1;
      const key = `${req.headers['x-status-event-id']} ${req.url}`;
      if (seen.has(key)) repeated += 1;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (process.env.HANG !== '1') res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
}
process.stdout.write(`${JSON.stringify(servers.map((s) => s.address().port))}\n`);
