// Expected failures of a request, typed, and the one place that turns any error into a page or JSON answer.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Catalog } from '../../catalog/load.ts';
import type { Provider } from '../../catalog/schema.ts';
import type { AllowedMethods } from './allowed-methods.ts';
import { pageTemplate, type PageRenderer } from './render.ts';

/** A request for something we do not have: 404. */
export class NotFound extends Error {
  readonly statusCode = 404;
}

/** The providers a mistyped or shortened slug most likely meant: those whose slug, name or alias holds it. */
export function providersLike(catalog: Catalog, slug: string): Provider[] {
  const term = slug.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (term.length < 3) return [];
  const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  return catalog.providers
    .filter((p) => [p.slug, p.name, ...p.aliases].some((word) => squash(word).includes(term)))
    .slice(0, 3);
}

/** The provider a path names, or a 404 that says we do not track it (and which ones it may have meant). */
export function trackedProvider(catalog: Catalog, slug: string): Provider {
  const provider = catalog.providerBySlug.get(slug);
  if (provider) return provider;
  const like = providersLike(catalog, slug).map((p) => `${p.name} (/${p.slug})`);
  const hint = like.length > 0 ? ` Did you mean ${like.join(' or ')}?` : '';
  throw new NotFound(`We do not track a provider called "${slug}".${hint}`);
}

/** A request we cannot accept as sent, with a message a person understands. */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

/** Parses visitor input with zod or throws a 400 that names each bad field. */
export function parseOr400<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : what;
    return issue.code === 'unrecognized_keys'
      ? `unknown field(s) ${issue.keys.join(', ')}`
      : `${field}: ${issue.message}`;
  });
  throw new BadRequest(`Invalid ${what}: ${details.join('; ')}.`);
}

/** The page of an error answer: what went wrong, in words. */
const problemTemplate = pageTemplate<{ heading: string; message: string }>('problem');

const HEADINGS: Record<number, string> = {
  400: 'That request is not valid',
  403: 'That request is not allowed',
  404: 'Page not found',
  405: 'That method is not allowed here',
  413: 'That request is too large',
  414: 'That address is too long',
  415: 'Unsupported content type',
  429: 'Too many requests',
  503: 'Service busy',
};

/** The API, and the machine-read files (feeds, badges, JSON documents), answer problems as JSON. */
const wantsJson = (request: FastifyRequest) => {
  const path = request.url.split('?')[0] ?? '';
  return path.startsWith('/api/') || path === '/mcp' || /\.(json|atom|svg)$/.test(path);
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/**
 * An RFC 9457 problem: `title` is the status's reason phrase (the type is about:blank), `detail` says what was
 * wrong. `error` repeats status and detail in the shape earlier clients read.
 */
export const problemBody = (status: number, message: string) => ({
  type: 'about:blank',
  title: STATUS_CODES[status] ?? 'Error',
  status,
  detail: message,
  error: { status, message },
});

/** The one answer to a failed request: the problem page, or JSON under /api/. */
export async function answerProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  pages: PageRenderer,
  status: number,
  message: string,
  options: { path?: string } = {},
) {
  reply.code(status).header('cache-control', 'no-store');
  if (wantsJson(request)) return reply.type(PROBLEM_CONTENT_TYPE).send(problemBody(status, message));
  const heading = HEADINGS[status] ?? 'Something went wrong on our side';
  const path = options.path ?? request.url.split('?')[0] ?? '/';
  const html = await pages.html(
    problemTemplate,
    { title: heading, description: message, path, noindex: true },
    {
      heading,
      message,
    },
  );
  return reply.type('text/html; charset=utf-8').send(html);
}

export function registerProblemHandlers(app: FastifyInstance, pages: PageRenderer, allowed: AllowedMethods): void {
  app.setNotFoundHandler((request, reply) => {
    const methods = allowed.at(request.url);
    if (methods.length > 0) {
      reply.header('allow', methods.join(', '));
      const message = `${request.method} is not allowed here; this address answers ${methods.join(', ')}.`;
      return answerProblem(request, reply, pages, 405, message);
    }
    return answerProblem(request, reply, pages, 404, `There is nothing at ${request.url.split('?')[0]}.`);
  });
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      // Shed load (503) is expected under pressure; logging each one would add to it.
      if (status !== 503) request.log.error({ err: error }, 'request failed');
      return answerProblem(
        request,
        reply,
        pages,
        status === 503 ? 503 : 500,
        status === 503
          ? 'We are busy right now. Please try again in a few seconds.'
          : 'Something went wrong on our side. The error has been logged; please try again later.',
      );
    }
    return answerProblem(request, reply, pages, status, error.message);
  });
}
