// The bench's baseline: a bare Fastify hello-world on PORT, no logging; /bytes/:count answers that many bytes of HTML,
// to separate the cost of a page's size from the cost of the app. With BENCH_BODIES (a JSON file of
// { id: { file, type, encoding } }), /same/:id answers exactly the bytes a page sent, with its type and content
// encoding (a brotli page's brotli bytes): the same-bytes limit for that page. Plain JavaScript, started as the
// compiled site is.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const bodies = new Map();
if (process.env.BENCH_BODIES) {
  const manifest = JSON.parse(readFileSync(process.env.BENCH_BODIES, 'utf8'));
  for (const [id, body] of Object.entries(manifest)) bodies.set(id, { ...body, bytes: readFileSync(body.file) });
}

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.get('/bytes/:count', async (request, reply) =>
  reply
    .type('text/html; charset=utf-8')
    .send(Buffer.alloc(Math.min(Number(request.params.count) || 0, 1_000_000), 'a')),
);
app.get('/same/:id', async (request, reply) => {
  const body = bodies.get(request.params.id);
  if (!body) return reply.code(404).send();
  if (body.encoding) reply.header('content-encoding', body.encoding);
  return reply.type(body.type).send(body.bytes);
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write('ready\n');
