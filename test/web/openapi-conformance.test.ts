// Every documented operation, called with requests generated from the document itself (each body field set to
// values at and past its schema's bounds, of the wrong type, missing, unknown; path parameters unknown or too long;
// bodies too large or not JSON; other methods): a request the document allows is never refused as invalid, one it
// forbids always is, and every answer's status and content type are ones the document gives for that operation.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { openApiDocument } from '../../src/web/api/openapi.ts';
import { T0, createHarness, realCatalog, type Harness } from '../helpers/app.ts';
import { seedScenario } from '../helpers/seed.ts';

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
};
type Parameter = { name: string; in: 'path' | 'query'; example?: unknown; schema: Schema };
type Response = { content?: Record<string, { schema: Schema }>; headers?: Record<string, unknown> };
type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: { 'application/json': { schema: Schema; example: Record<string, unknown> } } };
  responses: Record<string, Response>;
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
type Call = { path: string; method: string; operation: Operation };

/**
 * Fields the server checks beyond what a schema can say: component names against the components seen so far, and a
 * target against the address rules (https, a public host, the chat services' own hosts). A schema-valid value here
 * may be refused with the documented 400.
 */
const CHECKED_BEYOND_SCHEMA: Record<string, string[]> = { subscribe: ['components', 'target'] };
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const PROBLEM = 'application/problem+json';

let h: Harness;
let doc: Doc;
let ajv: Ajv2020;
let manageToken: string;
/** Each request comes from its own network, so rate limits per network do not mask what is checked. */
let client = 0;
const nextAddress = () => {
  client += 1;
  return `198.18.${Math.floor(client / 250)}.${(client % 250) + 1}`;
};

beforeAll(async () => {
  doc = JSON.parse(JSON.stringify(openApiDocument(parseConfig({}), realCatalog()))) as Doc;
  ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  ajv.addSchema(doc, 'openapi.json');
  h = await createHarness();
  await seedScenario(h.store, T0);
  const created = await h.app.inject({
    method: 'POST',
    url: '/api/v1/subscriptions',
    payload: { channel: 'webhook', target: 'https://hooks.example.com/conformance' },
  });
  manageToken = created.json().manageToken;
});
afterAll(async () => {
  await h.close();
});

const operations = (): Call[] =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );
const yieldToTimers = () => new Promise<void>((resolve) => setImmediate(resolve));
const resolve = (schema: Schema): Schema =>
  schema.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop()!]!) : schema;

function urlOf({ path, operation }: Call, override: Record<string, string> = {}, query = ''): string {
  const example = (name: string) => {
    if (name === 'manageToken') return manageToken;
    return String(operation.parameters!.find((p) => p.name === name)!.example);
  };
  return (
    path.replace(/\{(\w+)\}/g, (_whole, name: string) => encodeURIComponent(override[name] ?? example(name))) + query
  );
}

function send(call: Call, options: { url?: string; body?: string; type?: string; method?: string } = {}) {
  const body = options.body ?? JSON.stringify(call.operation.requestBody?.content['application/json'].example);
  return h.app.inject({
    method: (options.method ?? call.method) as 'GET',
    url: options.url ?? urlOf(call),
    remoteAddress: nextAddress(),
    ...(call.operation.requestBody || options.body !== undefined
      ? { payload: body, headers: { 'content-type': options.type ?? 'application/json' } }
      : {}),
  });
}

/** The answer's status is documented for the operation, with its media type; a problem matches the schema. */
function expectDocumented(call: Call, res: LightMyRequestResponse, what: string): Response {
  const label = `${call.method} ${call.path} ${what}: ${res.statusCode} ${res.body.slice(0, 300)}`;
  const documented = call.operation.responses[String(res.statusCode)];
  expect(documented, label).toBeDefined();
  const types = Object.keys(documented!.content ?? {});
  if (types.length > 0)
    expect(
      types.map((t) => String(res.headers['content-type']).startsWith(t)),
      label,
    ).toContain(true);
  if (types[0] === PROBLEM) {
    const validate = ajv.getSchema('openapi.json#/components/schemas/Problem')!;
    expect(validate(res.json()), `${label}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  }
  return documented!;
}

/** Values at and past a schema's bounds, of other types, and null: some valid, some not; ajv decides which. */
function candidates(given: Schema): unknown[] {
  const schema = resolve(given);
  if (schema.anyOf) return [...new Set(schema.anyOf.flatMap(candidates))];
  const values: unknown[] = [null, 42, true, 'text', [], {}];
  if (schema.enum) values.push(...schema.enum.slice(0, 6), 'not-one-of-them');
  if (schema.const !== undefined) values.push(schema.const);
  const types = [schema.type ?? []].flat();
  if (types.includes('string')) {
    values.push('', ' ', 'a', 'a b', 'https://hooks.example.com/candidate', 'someone@example.com');
    if (schema.minLength) values.push('x'.repeat(schema.minLength - 1), 'x'.repeat(schema.minLength));
    if (schema.maxLength) values.push('x'.repeat(schema.maxLength), 'x'.repeat(schema.maxLength + 1));
  }
  if (types.includes('integer') || types.includes('number')) {
    values.push(0, -1, 1.5, '7');
    for (const bound of [schema.minimum, schema.maximum])
      if (bound !== undefined && Math.abs(bound) < 1e9) values.push(bound - 1, bound, bound + 1);
  }
  if (types.includes('array') && schema.items) {
    const items = candidates(schema.items).slice(-4);
    values.push(items.slice(0, 1), items);
    if (schema.maxItems) values.push(Array.from({ length: schema.maxItems + 1 }, () => items[0]));
  }
  return values;
}

/** Bodies from the example: each field set to each candidate, each optional field left out, one unknown field. */
function bodies(schema: Schema, example: Record<string, unknown>): Record<string, unknown>[] {
  const object = resolve(schema);
  const out: Record<string, unknown>[] = [example, { ...example, surprise: 1 }, {}];
  for (const [name, property] of Object.entries(object.properties ?? {})) {
    for (const value of candidates(property)) out.push({ ...example, [name]: value });
    const { [name]: _left, ...without } = example;
    out.push(without);
  }
  return out;
}

describe('the API against its OpenAPI document', () => {
  it('accepts every body the document allows and refuses every body it forbids, with documented answers', async () => {
    let checked = 0;
    for (const call of operations()) {
      const body = call.operation.requestBody?.content['application/json'];
      if (!body) continue;
      const name = body.schema.$ref!.split('/').pop()!;
      const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`)!;
      for (const candidate of bodies(body.schema, body.example)) {
        await yieldToTimers();
        const res = await send(call, { body: JSON.stringify(candidate) });
        expectDocumented(call, res, JSON.stringify(candidate).slice(0, 200));
        const valid = validate(candidate);
        const label = `${call.operation.operationId} ${JSON.stringify(candidate).slice(0, 200)}: ${res.body.slice(0, 300)}`;
        if (!valid) expect(res.statusCode, label).toBe(400);
        else if (res.statusCode === 400) {
          const beyond = CHECKED_BEYOND_SCHEMA[call.operation.operationId] ?? [];
          expect(
            beyond.some((field) => res.json().detail.includes(`${field}:`)),
            label,
          ).toBe(true);
        }
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('refuses bodies that are not JSON or too large, and malformed JSON, as documented', async () => {
    for (const call of operations().filter((c) => c.operation.requestBody)) {
      const cases: [string, { body: string; type?: string }, number][] = [
        ['as text/plain', { body: 'category=auth', type: 'text/plain' }, 415],
        ['malformed JSON', { body: '{"category": ' }, 400],
        ['over the limit', { body: JSON.stringify({ padding: 'x'.repeat(70 * 1024) }) }, 413],
      ];
      for (const [what, options, status] of cases) {
        const res = await send(call, options);
        expect(res.statusCode, `${call.path} ${what}`).toBe(status);
        expectDocumented(call, res, what);
      }
    }
  });

  it('answers path parameters the document forbids (unknown, too long) and bad queries as documented', async () => {
    for (const call of operations()) {
      await yieldToTimers();
      for (const parameter of call.operation.parameters ?? []) {
        if (parameter.in === 'path') {
          for (const value of ['no-such-thing', 'x'.repeat(101)]) {
            const res = await send(call, { url: urlOf(call, { [parameter.name]: value }) });
            expect(res.statusCode, `${call.path} ${parameter.name}=${value.slice(0, 20)}`).toBeGreaterThanOrEqual(400);
            expectDocumented(call, res, `${parameter.name}=${value.slice(0, 20)}`);
          }
        } else {
          const validate = ajv.compile(parameter.schema);
          for (const value of ['0', '1', '90', '91', 'abc', '1.5', '']) {
            const res = await send(call, { url: urlOf(call, {}, `?${parameter.name}=${value}`) });
            expectDocumented(call, res, `?${parameter.name}=${value}`);
            const valid = value !== '' && validate(Number(value));
            expect(res.statusCode === 400, `${call.path}?${parameter.name}=${value}`).toBe(!valid);
          }
        }
      }
      const nul = await send(call, { url: urlOf(call, {}, '?note=%00') });
      expect(nul.statusCode, `${call.path} with a NUL`).toBe(400);
      expectDocumented(call, nul, 'with a NUL in the query');
    }
  });

  it('answers every other method on a documented path with 405 and Allow', async () => {
    const byPath = new Map<string, Call[]>();
    for (const call of operations()) byPath.set(call.path, [...(byPath.get(call.path) ?? []), call]);
    for (const [path, calls] of byPath) {
      const documented = calls.map((c) => c.method);
      const allowed = documented.includes('GET') ? [...documented, 'HEAD'] : documented;
      for (const method of METHODS.filter((m) => !documented.includes(m))) {
        const res = await send(calls[0]!, {
          method,
          body: method === 'GET' || method === 'OPTIONS' ? undefined : '{}',
        });
        expect(res.statusCode, `${method} ${path}`).toBe(405);
        expect(res.headers.allow?.toString().split(', ').sort(), `${method} ${path}`).toEqual(allowed.sort());
        if (path !== '/mcp') expect(res.headers['content-type'], `${method} ${path}`).toContain(PROBLEM);
      }
    }
  });
});

describe('405 beyond the API', () => {
  it('answers pages and feeds asked with another method with 405, Allow and the problem page', async () => {
    for (const [method, url] of [
      ['POST', '/anthropic/history'],
      ['DELETE', '/'],
      ['PUT', '/methodology'],
      ['POST', '/sitemap.xml'],
      ['PATCH', '/anthropic/error/rate-limit'],
    ] as const) {
      const res = await h.app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(405);
      expect(res.headers.allow, `${method} ${url}`).toBe('GET, HEAD');
      expect(res.headers['content-type'], `${method} ${url}`).toContain('text/html');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
    const json = await h.app.inject({ method: 'POST', url: '/anthropic/feed.atom' });
    expect(json.statusCode).toBe(405);
    expect(json.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(json.json()).toMatchObject({ type: 'about:blank', title: 'Method Not Allowed', status: 405 });
  });

  it('keeps 404 for a path no route has, whatever the method', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const res = await h.app.inject({ method, url: '/a/b/c/d/e/f' });
      expect(res.statusCode, method).toBe(404);
      expect(res.headers.allow).toBeUndefined();
    }
  });
});
