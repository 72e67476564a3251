// `/errors/:error`: one error type's cross-provider guide, with each provider's spelling and verdict now (route and
// view model).
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../http/deps.ts';
import { NotFound } from '../http/problems.ts';
import { pageTemplate } from '../http/render.ts';
import type { Crumb } from '../http/structured-data.ts';
import type { Catalog } from '../../catalog/load.ts';
import { errorTypesFor } from '../../catalog/load.ts';
import type { ErrorType } from '../../catalog/schema.ts';
import type { Verdict } from '../../domain.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import { levelView, timeView, type LevelView, type TimeView } from '../blocks/common.ts';
import type { LinkView } from '../blocks/common.ts';
import { toSegments, type Segment } from '../blocks/text.ts';
import { statusText } from './errors.ts';

const VERDICT_TONES: Record<Verdict, string> = { your_side: 'info', provider_side: 'bad', inconclusive: 'unknown' };

export type GuideRowView = {
  provider: { slug: string; name: string };
  href: string;
  spellings: { label: string; exceptions: string[] }[];
  status: LevelView;
  checked: TimeView | null;
  verdict: { label: string; tone: string; text: string };
};

export type GuideView = {
  breadcrumbs: Crumb[];
  error: { slug: string; title: string; shortTitle: string; statuses: string };
  title: string;
  description: string;
  summary: Segment[];
  explanation: Segment[][];
  rows: GuideRowView[];
  notApplicable: string[];
  signatures: string[];
  causes: Segment[][];
  fixes: Segment[][];
  faq: { q: string; a: Segment[] }[];
  related: LinkView[];
};

export function guideView(errorType: ErrorType, all: readonly ProviderData[], catalog: Catalog): GuideView {
  const applies = all.filter((d) => errorTypesFor(catalog, d.provider).includes(errorType));
  return {
    breadcrumbs: [
      { name: 'All providers', path: '/' },
      { name: 'Error guides', path: '/errors' },
      { name: errorType.shortTitle, path: `/errors/${errorType.slug}` },
    ],
    error: {
      slug: errorType.slug,
      title: errorType.title,
      shortTitle: errorType.shortTitle,
      statuses: statusText(errorType.httpStatuses),
    },
    title: `${errorType.title}: what it means at every AI API provider`,
    description: errorType.guide.summary.replace(/`/g, ''),
    summary: toSegments(errorType.guide.summary),
    explanation: errorType.guide.explanation.map(toSegments),
    rows: applies.map((d) => {
      const p = d.provider;
      const verdict = d.error(errorType).verdict;
      const own = p.errors[errorType.slug]?.signatures ?? [];
      return {
        provider: { slug: p.slug, name: p.name },
        href: `/${p.slug}/error/${errorType.slug}`,
        spellings:
          own.length > 0
            ? own.map((s) => ({ label: s.label, exceptions: s.exceptions ?? [] }))
            : [{ label: 'No form of its own recorded: the common forms below apply', exceptions: [] }],
        status: levelView(d.status.level),
        checked: timeView(d.status.lastGoodAt, d.now),
        verdict: { label: verdict.label, tone: VERDICT_TONES[verdict.verdict], text: verdict.text },
      };
    }),
    notApplicable: all.filter((d) => !applies.includes(d)).map((d) => d.provider.name),
    signatures: errorType.signatures.map((s) => s.label),
    causes: errorType.guide.causes.map(toSegments),
    fixes: errorType.guide.fixes.map(toSegments),
    faq: errorType.guide.faq.map((f) => ({ q: f.q, a: toSegments(f.a) })),
    related: [
      ...catalog.errorTypes
        .filter((e) => e.slug !== errorType.slug)
        .map((e) => ({ label: `${e.shortTitle}: every provider`, href: `/errors/${e.slug}` })),
      { label: 'Diagnose a pasted error message', href: '/diagnose' },
      { label: 'How we decide a status and a verdict', href: '/methodology' },
      { label: 'All AI API providers', href: '/' },
    ],
  };
}

const template = pageTemplate<GuideView>('error-guide');

export async function errorGuidePage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, assessor, store, pages, now } = deps;
  app.get<{ Params: { error: string } }>('/errors/:error', async (request, reply) => {
    const errorType = catalog.errorTypeBySlug.get(request.params.error);
    if (!errorType) throw new NotFound(`We have no guide for an error called "${request.params.error}".`);
    const path = `/errors/${errorType.slug}`;
    return pages.serve(request, reply, `page:${path}`, store.versions.global(), async () => {
      // Each provider's verdict on this error weighs the reports of its category: read the buckets too.
      const view = guideView(errorType, await assessor.all(now(), { chart: true }), catalog);
      return pages.html(
        template,
        { title: view.title, description: view.description, path, breadcrumbs: view.breadcrumbs },
        view,
      );
    });
  });
}
