// The OpenAPI document: served as JSON, a 3.1 document whose schemas compile, and the API answers as it describes,
// called path by path from the document itself with each parameter's example.
import { testEventSender } from '../../src/jobs/wiring.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { T0, createHarness, realCatalog, type Harness } from '../helpers/app.ts';
import { seedScenario } from '../helpers/seed.ts';
import { recordIncident, recordOfficial } from '../helpers/signals.ts';
import { postJson } from '../helpers/reports.ts';
import { MODEL_COUNTS_REUSE_MS } from '../../src/assessment/signals.ts';
import { SECOND_MS } from '../../src/time.ts';
import { parseConfig } from '../../src/config.ts';
import { openApiDocument } from '../../src/web/api/openapi.ts';

type Operation = {
  parameters?: { name: string; in: string; example: string }[];
  requestBody?: { content: Record<string, { example: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};
type Method = 'get' | 'post' | 'delete';
type Doc = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, unknown> };
};

/** Every operation of the document, with its path and method. */
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    (Object.entries(item) as [Method, Operation][]).map(([method, operation]) => ({ path, method, operation })),
  );

/** Calls an operation with the document's own examples (path parameters, JSON request body). */
function call(path: string, method: Method, operation: Operation, override: Record<string, string> = {}) {
  const body = operation.requestBody?.content['application/json']?.example;
  return h.app.inject({
    method: method.toUpperCase() as 'GET' | 'POST' | 'DELETE',
    url: urlOf(path, operation, override),
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

let h: Harness;
let doc: Doc;
/** A subscription's manage token, for the operations on one subscription. */
let manageToken: string;
let ajv: Ajv2020;
let sender: ReturnType<typeof testEventSender> | null = null;

beforeAll(async () => {
  // Compiling every schema blocks the event loop for a while, which load shedding would see: compile the document
  // the code gives before the app runs, then check that the app serves exactly that document.
  const config = parseConfig({});
  doc = JSON.parse(JSON.stringify(openApiDocument(config, realCatalog()))) as Doc;
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; the document's other keys are not schema keywords.
  ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  ajv.addSchema(doc, 'openapi.json');
  for (const name of Object.keys(doc.components.schemas))
    ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });
  // Test events go out for real (to a host that does not resolve here): their answer is what the document says.
  h = await createHarness({ testSender: async () => (sender ??= testEventSender(h.config)).sender });
  await seedScenario(h.store, T0);
  const res = await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.json()).toEqual(doc);
  const created = await h.app.inject({
    method: 'POST',
    url: '/api/v1/subscriptions',
    payload: { channel: 'webhook', target: 'https://hooks.example.com/x' },
  });
  manageToken = created.json().manageToken;
});
afterAll(async () => {
  await h.close();
  await sender?.close();
});

/**
 * Lets timers run between requests: a long run of in-process requests gives the event-loop monitor no sample, which
 * load shedding reads as a blocked loop.
 */
const yieldToTimers = () => new Promise<void>((resolve) => setImmediate(resolve));

const validator = (schema: unknown) => ajv.compile({ $ref: `openapi.json#${pointerTo(schema)}` });

/** The JSON pointer of a response schema inside the document, so its $refs resolve against the document. */
function pointerTo(schema: unknown): string {
  for (const { path, method, operation } of operations()) {
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {})) {
        if (media.schema === schema)
          return ['', 'paths', path, method, 'responses', status, 'content', type, 'schema'].map(escape).join('/');
      }
    }
  }
  throw new Error('schema not in the document');
}
const escape = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');

function urlOf(path: string, operation: Operation, override: Record<string, string> = {}): string {
  return path.replace(
    /\{(\w+)\}/g,
    (_whole, name: string) => override[name] ?? operation.parameters!.find((p) => p.name === name)!.example,
  );
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with this site as its server, and every component schema compiles', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: h.config.siteUrl }]);
    for (const name of Object.keys(doc.components.schemas))
      expect(() => ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` })).not.toThrow();
  });

  it('describes the JSON API, the feeds and the badges', () => {
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/providers',
        '/api/v1/providers/{provider}',
        '/api/v1/providers/{provider}/errors/{error}',
        '/api/v1/providers/{provider}/is-it-down',
        '/feed.atom',
        '/{provider}/feed.atom',
        '/{provider}/badge.svg',
        '/{provider}/components/{component}/badge.svg',
        '/api/v1/subscriptions',
        '/api/v1/subscriptions/{manageToken}',
        '/mcp',
      ]),
    );
  });
});

describe('the API as described', () => {
  it('answers every path with the status, content type and body schema the document gives', async () => {
    for (const { path, method, operation } of operations()) {
      await yieldToTimers();
      const res = await call(path, method, operation, { manageToken });
      const success = Object.keys(operation.responses).find((status) => status.startsWith('2'))!;
      expect(res.statusCode, `${method} ${path}`).toBe(Number(success));
      const [type, media] = Object.entries(operation.responses[success]!.content!)[0]!;
      expect(res.headers['content-type'], path).toContain(type);
      if (type !== 'application/json') continue;
      const validate = validator(media.schema);
      expect(validate(res.json()), `${path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it('matches the schema for every provider, seeded or empty', async () => {
    const validate = validator(
      doc.paths['/api/v1/providers/{provider}']!.get!.responses['200']!.content!['application/json']!.schema,
    );
    for (const provider of h.catalog.providers) {
      await yieldToTimers();
      const body = (await h.app.inject({ method: 'GET', url: `/api/v1/providers/${provider.slug}` })).json();
      expect(validate(body), `${provider.slug}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it('matches the error schema for every provider and error type; 404 for an error it has no page for', async () => {
    const validate = validator(
      doc.paths['/api/v1/providers/{provider}/errors/{error}']!.get!.responses['200']!.content!['application/json']!
        .schema,
    );
    for (const provider of h.catalog.providers) {
      for (const error of h.catalog.errorTypes) {
        const res = await h.app.inject({
          method: 'GET',
          url: `/api/v1/providers/${provider.slug}/errors/${error.slug}`,
        });
        if (provider.errors[error.slug]?.applies === false) {
          expect(res.statusCode, `${provider.slug}/${error.slug}`).toBe(404);
          continue;
        }
        expect(validate(res.json()), `${provider.slug}/${error.slug}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    }
    const unknown = await h.app.inject({ method: 'GET', url: '/api/v1/providers/openai/errors/no-such-error' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toContain('no-such-error');
  });

  it('answers 404 as documented for an unknown provider', async () => {
    for (const { path, method, operation } of operations()) {
      const documented = operation.responses['404'];
      if (!documented) continue;
      const res = await call(path, method, operation, { provider: 'no-such-provider' });
      expect(res.statusCode, path).toBe(404);
      expect(res.headers['content-type'], path).toBe('application/problem+json; charset=utf-8');
      const validate = validator(documented.content!['application/problem+json']!.schema);
      expect(validate(res.json()), ajv.errorsText(validate.errors)).toBe(true);
    }
  });

  it('matches the list schema with providers in trouble together', async () => {
    for (const slug of ['groq', 'cohere', 'fireworks-ai']) {
      await recordOfficial(h.store, slug, T0);
      await recordIncident(h.store, slug, T0, 'Elevated error rates');
    }
    h.clock.now += 2 * SECOND_MS;
    const validate = validator(
      doc.paths['/api/v1/providers']!.get!.responses['200']!.content!['application/json']!.schema,
    );
    const body = (await h.app.inject({ method: 'GET', url: '/api/v1/providers' })).json();
    expect(body.correlated.length).toBe(1);
    expect(body.correlated[0].providers).toEqual(expect.arrayContaining(['groq', 'cohere', 'fireworks-ai']));
    expect(validate(body), ajv.errorsText(validate.errors)).toBe(true);
    expect(validate({ ...body, correlated: [{ since: body.correlated[0].since, providers: ['a', 'b'] }] })).toBe(false);
  });

  it('matches the provider schema with models named in reports', async () => {
    for (const address of ['198.51.100.1', '198.51.100.2'])
      await postJson(h, 'groq', { category: 'timeout', model: 'llama-3.3-70b-versatile' }, { remoteAddress: address });
    h.clock.now += MODEL_COUNTS_REUSE_MS;
    const validate = validator(
      doc.paths['/api/v1/providers/{provider}']!.get!.responses['200']!.content!['application/json']!.schema,
    );
    const body = (await h.app.inject({ method: 'GET', url: '/api/v1/providers/groq' })).json();
    expect(body.reports.models).toEqual([
      { model: 'llama-3.3-70b-versatile', lastHour: 2, last24h: 2, usualHour: 0, usual24h: 0 },
    ]);
    expect(validate(body), ajv.errorsText(validate.errors)).toBe(true);
    const extra = { ...body, reports: { ...body.reports, models: [{ ...body.reports.models[0], named: 1 }] } };
    expect(validate(extra)).toBe(false);
  });

  it('catches drift: a body with a field the document does not know fails', async () => {
    const validate = validator(
      doc.paths['/api/v1/providers/{provider}']!.get!.responses['200']!.content!['application/json']!.schema,
    );
    const body = (await h.app.inject({ method: 'GET', url: '/api/v1/providers/anthropic' })).json();
    expect(validate(body)).toBe(true);
    expect(validate({ ...body, surprise: 1 })).toBe(false);
    expect(validate({ ...body, level: 'fine' })).toBe(false);
  });
});

describe('the API page', () => {
  it('links the document, the endpoints and shows a badge', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('href="/api/v1/openapi.json"');
    expect(res.body).toContain('<a href="/api/v1/providers/openai"><code>GET /api/v1/providers/{provider}</code></a>');
    expect(res.body).toContain('<img src="/openai/badge.svg" alt="OpenAI status badge" height="20">');
    expect(res.body).toContain(`curl -s ${h.config.siteUrl}/api/v1/providers/openai`);
    expect(res.body).toContain('<a href="/openai/api/v2/summary.json">');
    expect(res.body).toContain(`/embed&quot; title=&quot;OpenAI API status&quot;`);
    expect(res.body).toContain('https://img.shields.io/endpoint?url=');
  });
});
