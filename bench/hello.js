// The bench's baseline: a bare Fastify hello-world on PORT, no logging; /bytes/:count answers that many bytes of HTML,
// to separate the cost of a page's size from the cost of the app. Plain JavaScript, started as the compiled site is.
import { Buffer } from 'node:buffer';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.get('/bytes/:count', async (request, reply) =>
  reply
    .type('text/html; charset=utf-8')
    .send(Buffer.alloc(Math.min(Number(request.params.count) || 0, 1_000_000), 'a')),
);
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write('ready\n');
