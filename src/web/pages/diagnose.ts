// `/diagnose`: the paste-your-error form (GET, cached) and its answer (POST, never cached, never stored or logged), with
// ranked matches, live status and verdict; `POST /api/v1/diagnose` answers the same as JSON (routes and view model).
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { diagnoseInput } from '../api/operations.ts';
import { createDiagnoser, type Diagnoser } from '../../diagnose/match.ts';
import { toIso } from '../../time.ts';
import type { WebDeps } from '../http/deps.ts';
import { BadRequest, parseOr400 } from '../http/problems.ts';
import { CATALOG_ONLY, pageTemplate } from '../http/render.ts';
import type { Crumb } from '../http/structured-data.ts';
import type { Catalog } from '../../catalog/load.ts';
import type { Diagnosis, DiagnosisMatch } from '../../diagnose/match.ts';
import type { Verdict } from '../../domain.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import { levelView, timeView, type LevelView, type TimeView } from '../blocks/common.ts';
import { toSegments, type Segment } from '../blocks/text.ts';

/** How many matches besides the best one are shown. */
export const OTHER_MATCHES = 4;

export type MatchView = {
  provider: { slug: string; name: string };
  error: { slug: string; title: string; shortTitle: string };
  href: string;
  guideHref: string;
  /** Why it matched, clues joined by "; ", code marked as code (no backticks shown). */
  reasons: Segment[];
};

export type LiveMatchView = MatchView & {
  openLabel: string;
  status: LevelView & { summary: string; checked: TimeView | null };
  verdict: { verdict: Verdict; label: string; text: string };
};

export type DiagnoseResultView =
  | { kind: 'provider'; best: LiveMatchView; others: MatchView[] }
  | { kind: 'type'; types: Pick<MatchView, 'error' | 'guideHref' | 'reasons'>[] }
  | { kind: 'none' };

export type DiagnoseView = {
  breadcrumbs: Crumb[];
  title: string;
  description: string;
  form: { text: string; provider: string; providers: { slug: string; name: string; selected: boolean }[] };
  redactions: string[];
  result: DiagnoseResultView | null;
};

const matchView = (m: DiagnosisMatch): MatchView => ({
  provider: { slug: m.provider.slug, name: m.provider.name },
  error: { slug: m.errorType.slug, title: m.errorType.title, shortTitle: m.errorType.shortTitle },
  href: `/${m.provider.slug}/error/${m.errorType.slug}`,
  guideHref: `/errors/${m.errorType.slug}`,
  reasons: toSegments(m.reasons.join('; ')),
});

export function liveMatchView(m: DiagnosisMatch, data: ProviderData): LiveMatchView {
  const verdict = data.error(m.errorType).verdict;
  return {
    ...matchView(m),
    openLabel: `Open the ${m.provider.name} page for this error`,
    status: {
      ...levelView(data.status.level),
      summary: data.status.summary,
      checked: timeView(data.status.lastGoodAt, data.now),
    },
    verdict: { verdict: verdict.verdict, label: verdict.label, text: verdict.text },
  };
}

function resultView(diagnosis: Diagnosis, read: (slug: string) => ProviderData): DiagnoseResultView {
  const [best, ...rest] = diagnosis.matches;
  if (!best) return { kind: 'none' };
  if (!diagnosis.providerKnown) {
    const seen = new Set<string>();
    const types = diagnosis.matches.filter((m) =>
      seen.has(m.errorType.slug) ? false : (seen.add(m.errorType.slug), true),
    );
    return {
      kind: 'type',
      types: types.slice(0, 1 + OTHER_MATCHES).map((m) => {
        const { error, guideHref, reasons } = matchView(m);
        return { error, guideHref, reasons };
      }),
    };
  }
  return {
    kind: 'provider',
    best: liveMatchView(best, read(best.provider.slug)),
    others: rest.slice(0, OTHER_MATCHES).map(matchView),
  };
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export function diagnoseView(
  catalog: Catalog,
  input: { text: string; provider: string },
  diagnosis: Diagnosis | null,
  read: (slug: string) => ProviderData,
): DiagnoseView {
  return {
    breadcrumbs: [
      { name: 'All providers', path: '/' },
      { name: 'Diagnose an error', path: '/diagnose' },
    ],
    title: 'Diagnose an AI API error: paste it, see whose side it is on',
    description:
      'Paste an error message, HTTP status, JSON error body or SDK exception from OpenAI, Anthropic, Gemini ' +
      "and other AI APIs: see which error it is, the provider's live status and whether the problem is on " +
      'your side.',
    form: {
      text: diagnosis ? diagnosis.redacted : '',
      provider: input.provider,
      providers: catalog.providers.map((p) => ({ slug: p.slug, name: p.name, selected: p.slug === input.provider })),
    },
    redactions: diagnosis ? diagnosis.redactions.map((r) => plural(r.count, r.kind)) : [],
    result: diagnosis ? resultView(diagnosis, read) : null,
  };
}

const diagnosers = new WeakMap<Catalog, Diagnoser>();

/** Indexing the catalog costs start-up time and memory (most with a large catalog); it waits for the first paste. */
export function diagnoserFor(catalog: Catalog): Diagnoser {
  let diagnoser = diagnosers.get(catalog);
  if (!diagnoser) diagnosers.set(catalog, (diagnoser = createDiagnoser(catalog)));
  return diagnoser;
}

/** The redacted text's diagnosis: ranked matches, the best one with its provider's live level and verdict. */
export async function diagnosisJson(
  deps: Pick<WebDeps, 'catalog' | 'assessor' | 'config'>,
  text: string,
  provider: string,
  at: number,
) {
  const d = diagnoserFor(deps.catalog).diagnose(text, provider || undefined);
  const top = d.matches.slice(0, 1 + OTHER_MATCHES);
  return {
    generatedAt: toIso(at),
    redacted: d.redacted,
    redactions: d.redactions,
    providerKnown: d.providerKnown,
    matches: await Promise.all(
      top.map(async (m, i) => {
        const base = {
          provider: m.provider.slug,
          error: m.errorType.slug,
          score: m.score,
          reasons: m.reasons,
          html: `${deps.config.siteUrl}/${m.provider.slug}/error/${m.errorType.slug}`,
        };
        if (i > 0 || !d.providerKnown) return base;
        const live = liveMatchView(m, await deps.assessor.of(m.provider, at));
        return { ...base, level: live.status.level, verdict: live.verdict.verdict, verdictText: live.verdict.text };
      }),
    ),
  };
}

const template = pageTemplate<DiagnoseView>('diagnose');
const FormQuery = z.strictObject({ provider: z.string().max(100).optional().default('') });

export async function diagnosePage(app: FastifyInstance, deps: WebDeps): Promise<void> {
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
        return pages.html(template, meta('/diagnose', view), view);
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
      const html = await pages.html(template, meta('/diagnose', view), view);
      return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
    });

    scope.post('/api/v1/diagnose', async (request, reply) => {
      const input = parseOr400(Paste, request.body ?? {}, 'body');
      const answer = await diagnosisJson(deps, input.text, knownProvider(input.provider), now());
      return reply.header('cache-control', 'no-store').send(answer);
    });
  });
}
