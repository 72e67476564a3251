// Fastify's JSON-schema compilers (Ajv for requests, fast-json-stringify for responses) are loaded by the first route
// that declares a schema, not at start-up: such a route still has its body refused and its answer shaped by them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { realCatalog, TEST_ENV } from '../helpers/app.ts';

let app: FastifyInstance;
let store: Store;
const dir = mkdtempSync(join(tmpdir(), 'status-schemas-'));
beforeAll(async () => {
  const config = parseConfig({ ...TEST_ENV, DATABASE_PATH: join(dir, 'status.db') });
  store = await openStore(config);
  app = await buildApp({ config, catalog: realCatalog(), store });
  app.post(
    '/schema-checked',
    {
      schema: {
        body: {
          type: 'object',
          required: ['count'],
          properties: { count: { type: 'integer', minimum: 1 } },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', properties: { doubled: { type: 'integer' } } } },
      },
    },
    async (request) => ({ doubled: (request.body as { count: number }).count * 2, secret: 'not in the schema' }),
  );
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a route that declares a JSON schema', () => {
  it('answers a valid body, serialised to the response schema only', async () => {
    const res = await app.inject({ method: 'POST', url: '/schema-checked', payload: { count: 21 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ doubled: 42 });
  });

  it('refuses a body the schema rejects with a 400 that says why', async () => {
    for (const payload of [{ count: 0 }, { count: 'many' }, {}]) {
      const res = await app.inject({
        method: 'POST',
        url: '/schema-checked',
        payload,
        headers: { accept: 'application/json' },
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.body).toMatch(/body/);
    }
  });
});
