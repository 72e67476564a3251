// The OpenAPI 3.1 document, served at /api/v1/openapi.json, generated from the operations table and its zod schemas
// (zod's toJSONSchema), so what it says is what the server checks and sends.
import * as z from 'zod';
import type { Catalog } from '../../catalog/load.ts';
import type { Config } from '../../config.ts';
import { apiOperations, MAX_PARAM_CHARS, type Answer, type Operation } from './operations.ts';
import { NAMED_SCHEMAS, StatusEvent } from './schemas.ts';
import { PRESSURE_RETRY_AFTER_SECONDS } from '../http/pressure.ts';

type JsonSchema = Record<string, unknown>;

const TAGS: Record<Operation['tag'], string> = {
  Status: "Providers' levels with their reasons, history and accountability.",
  Reports: 'Tell us a provider is failing you.',
  Subscriptions: 'Be told when a level or incident changes, by webhook, e-mail or a chat or paging service.',
  Diagnose: 'Paste an error; learn which one it is and whose side it is on.',
  'Feeds and badges': 'Atom feeds and SVG badges.',
  'Statuspage-compatible': 'The Statuspage v2 JSON API per provider, so any Statuspage client reads our assessment.',
  MCP: 'The Model Context Protocol server for coding agents.',
};

/** Dates and times are documented by their format; zod's long validation pattern would only repeat it. */
const overrideFormats = ({ jsonSchema }: { jsonSchema: JsonSchema }) => {
  if (jsonSchema.format === 'date-time' || jsonSchema.format === 'date') delete jsonSchema.pattern;
};
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const PROBLEM_TYPE = 'application/problem+json';

/** Named schemas as components: one registry each for answers (output) and request bodies (input). */
function componentSchemas(operations: Operation[]): {
  schemas: Record<string, JsonSchema>;
  idOf: Map<unknown, string>;
} {
  const idOf = new Map<unknown, string>();
  const convert = (entries: [string, z.ZodType][], io: 'input' | 'output') => {
    const registry = z.registry<{ id: string }>();
    for (const [id, schema] of entries) {
      if (idOf.has(schema) && idOf.get(schema) !== id) throw new Error(`schema named twice: ${id}`);
      registry.add(schema, { id });
      idOf.set(schema, id);
    }
    const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => ref(id).$ref, override: overrideFormats });
    return Object.fromEntries(
      Object.entries(schemas).map(([id, schema]) => {
        const { $schema: _version, $id: _id, ...rest } = schema as JsonSchema;
        return [id, rest];
      }),
    );
  };
  const bodies = operations.flatMap((op) => (op.body ? [[op.body.name, op.body.schema] as [string, z.ZodType]] : []));
  return { schemas: { ...convert([...NAMED_SCHEMAS], 'output'), ...convert(bodies, 'input') }, idOf };
}

/** A parameter's schema, inline (parameters are strings and numbers). */
function inline(schema: z.ZodType): JsonSchema {
  const { $schema: _version, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    override: overrideFormats,
  }) as JsonSchema;
  return rest;
}

/** The answers that can happen on any operation of this shape, beside its own. */
function standardAnswers(op: Operation): Record<number, Answer> {
  const answers: Record<number, Answer> = {
    400:
      op.params || op.query || op.body
        ? { description: 'A parameter or field is missing, unknown or invalid (the detail names it).' }
        : { description: 'The address is not valid (a NUL character, a malformed percent-encoding).' },
  };
  if (op.params) answers[414] = { description: `A path parameter is longer than ${MAX_PARAM_CHARS} characters.` };
  if (op.body) {
    answers[413] = { description: `The body is larger than ${op.body.limitBytes} bytes.` };
    answers[415] = { description: 'The body is not JSON (Content-Type: application/json).' };
  }
  answers[503] = {
    description: `Busy: load is shed for a moment (Retry-After: ${PRESSURE_RETRY_AFTER_SECONDS}).`,
    headers: { 'Retry-After': 'Seconds to wait before trying again.' },
  };
  return answers;
}

/** A response object: a named JSON schema, another media type as a string, a problem (4xx, 5xx), or no body. */
function response(status: number, answer: Answer, idOf: Map<unknown, string>) {
  const headers = { ...answer.headers, ...(status === 429 ? { 'Retry-After': 'Seconds to wait.' } : {}) };
  const headerObjects = Object.entries(headers).map(([name, description]) => [
    name,
    { description, schema: { type: 'integer', minimum: 0 } },
  ]);
  // A failure with its own schema (MCP's JSON-RPC errors) may still be a problem when the app refused it first.
  const also = status >= 400 ? { [PROBLEM_TYPE]: { schema: ref('Problem') } } : {};
  const content = (type: string, schema: unknown) => ({ content: { [type]: { schema }, ...also } });
  const id = answer.schema ? idOf.get(answer.schema) : undefined;
  if (answer.schema && !id) throw new Error(`the ${status} answer's schema has no name in api-schemas.ts`);
  return {
    description: answer.description,
    ...(headerObjects.length > 0 ? { headers: Object.fromEntries(headerObjects) } : {}),
    ...(id
      ? content(answer.contentType ?? 'application/json', ref(id))
      : answer.contentType
        ? content(answer.contentType, { type: 'string' })
        : status >= 400
          ? content(PROBLEM_TYPE, ref('Problem'))
          : {}),
  };
}

function operationObject(op: Operation, idOf: Map<unknown, string>) {
  const parameters = [
    ...Object.entries(op.params ?? {}).map(([name, p]) => ({
      name,
      in: 'path',
      required: true,
      description: p.description,
      schema: inline(p.schema),
      example: p.example,
    })),
    ...Object.entries(op.query ?? {}).map(([name, p]) => ({
      name,
      in: 'query',
      required: false,
      description: p.description,
      schema: inline(p.schema),
      ...(p.example === undefined ? {} : { example: p.example }),
    })),
  ];
  const responses = Object.fromEntries(
    Object.entries({ ...standardAnswers(op), ...op.responses })
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([status, answer]) => [status, response(Number(status), answer, idOf)]),
  );
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref(op.body.name), example: op.body.example } },
          },
        }
      : {}),
    responses,
  };
}

export function openApiDocument(config: Pick<Config, 'siteUrl' | 'siteName' | 'smtpUrl'>, catalog: Catalog) {
  const { siteUrl, siteName } = config;
  const operations = apiOperations(catalog, { emailOffered: config.smtpUrl !== null });
  const { schemas, idOf } = componentSchemas(operations);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) (paths[op.path] ??= {})[op.method.toLowerCase()] = operationObject(op, idOf);
  return {
    openapi: '3.1.0',
    info: {
      title: `${siteName} API`,
      version: '1.0.0',
      summary: 'Live status of AI API providers, with the evidence behind each status.',
      description:
        'Each status is the worst level that a fresh signal supports (official status page, live probe, community ' +
        'reports); every level carries its reasons with their times. Times are ISO 8601 in UTC. No authentication. ' +
        'Failures are RFC 9457 problems (application/problem+json); a known path asked with another method answers ' +
        '405 with Allow.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: siteUrl }],
    security: [],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: { schemas },
    webhooks: {
      statusEvent: {
        post: {
          operationId: 'statusEvent',
          summary: 'What a webhook subscription receives: one event per request, in order per subscription',
          tags: ['Subscriptions'],
          description:
            'Signed as Standard Webhooks (standardwebhooks.com): verify with any of its libraries and the `whsec_` ' +
            'secret shown once when the subscription was created.',
          parameters: [
            ['webhook-id', 'The event id: the same on every retry of one event.'],
            ['webhook-timestamp', 'Unix seconds when this attempt was signed.'],
            ['webhook-signature', '`v1,<base64>`: HMAC-SHA256 over `<id>.<timestamp>.<body>`.'],
          ].map(([name, description]) => ({
            name,
            in: 'header',
            required: true,
            description,
            schema: { type: 'string' },
          })),
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref(idOf.get(StatusEvent)!) } },
          },
          responses: { 200: { description: 'Any 2xx acknowledges; anything else is retried for 24 h.' } },
        },
      },
    },
  };
}
