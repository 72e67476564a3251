// `/diagnose`: the paste-your-error form (GET, cached) and its answer (POST, never cached, never stored or logged).
import type { Crumb } from '../http/structured-data.ts';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { diagnoseInput } from '../api/operations.ts';
import { diagnoserFor, diagnosisJson } from './diagnosis.ts';
import type { WebDeps } from '../http/deps.ts';
import { BadRequest, parseOr400 } from '../http/problems.ts';
import { diagnoseView } from './diagnose.ts';

const FormQuery = z.strictObject({ provider: z.string().max(100).optional().default('') });

/** The form page is built from the catalog alone, so its cached copy never goes out of date. */
const CATALOG_ONLY = 0;

export async function registerDiagnoseRoutes(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, assessor, pages, now } = deps;
  const Paste = diagnoseInput(catalog.providers.map((p) => p.slug));
  const diagnose = (text: string, provider: string) => diagnoserFor(catalog).diagnose(text, provider || undefined);
  const noData = (): never => {
    throw new Error('the diagnose form has no result to show live data for');
  };
  const knownProvider = (slug: string) => {
    if (slug !== '' && !catalog.providerBySlug.has(slug))
      throw new BadRequest(`We do not track a provider called "${slug}".`);
    return slug;
  };
  const meta = (path: string, view: { title: string; description: string; breadcrumbs: Crumb[] }) => ({
    title: view.title,
    description: view.description,
    path,
    breadcrumbs: view.breadcrumbs,
  });

  await app.register(async (scope) => {
    // Form bodies are parsed only here; another plugin may already have registered the parser for the whole app.
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) await scope.register(fastifyFormbody);

    scope.get('/diagnose', async (request, reply) => {
      const provider = knownProvider(parseOr400(FormQuery, request.query, 'query').provider);
      return pages.serve(request, reply, `page:/diagnose?provider=${provider}`, CATALOG_ONLY, () => {
        const view = diagnoseView(catalog, { text: '', provider }, null, noData);
        return pages.html('diagnose', meta('/diagnose', view), view);
      });
    });

    scope.post('/diagnose', async (request, reply) => {
      const input = parseOr400(Paste, request.body ?? {}, 'form');
      const provider = knownProvider(input.provider);
      const diagnosis = diagnose(input.text, provider);
      const best = diagnosis.matches[0]?.provider;
      // The view shows live data for the best match only: read it before rendering.
      const data = best === undefined ? undefined : await assessor.of(best, now());
      const view = diagnoseView(catalog, { text: input.text, provider }, diagnosis, () => data!);
      const html = await pages.html('diagnose', meta('/diagnose', view), view);
      return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
    });

    scope.post('/api/v1/diagnose', async (request, reply) => {
      const input = parseOr400(Paste, request.body ?? {}, 'body');
      const answer = await diagnosisJson(deps, input.text, knownProvider(input.provider), now());
      return reply.header('cache-control', 'no-store').send(answer);
    });
  });
}
