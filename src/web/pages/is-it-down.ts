// `/:provider/is-it-down` and its JSON twin: the direct answer, its evidence, what is affected and what to do
// meanwhile (routes and view model).
import type { FastifyInstance } from 'fastify';
import { toIso } from '../../time.ts';
import type { WebDeps } from '../http/deps.ts';
import { trackedProvider } from '../http/problems.ts';
import { pageTemplate } from '../http/render.ts';
import { reasonJson, regionsJson } from '../api/bodies.ts';
import type { Crumb } from '../http/structured-data.ts';
import type { Catalog } from '../../catalog/load.ts';
import { errorTypesFor } from '../../catalog/load.ts';
import type { DownAnswer } from '../../status/down-answer.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import {
  componentRowView,
  incidentContext,
  incidentView,
  timeView,
  type ComponentRowView,
  type IncidentView,
  type TimeView,
} from '../blocks/common.ts';
import { namesIn } from '../blocks/correlated.ts';
import { answerView, type AnswerView } from '../blocks/answer.ts';
import type { LinkView } from '../blocks/common.ts';
import { officialPageHref, signalWords } from '../blocks/text.ts';
import { listRegions, regionalQuorum } from '../../status/regions.ts';

export type IsItDownView = {
  breadcrumbs: Crumb[];
  provider: { slug: string; name: string };
  title: string;
  description: string;
  /** The direct answer ("Yes", "Partly", "No", "We can't tell right now") and its sentence, with the level. */
  answer: AnswerView;
  /** The answer alone, for the title and structured data. */
  direct: { answer: DownAnswer; label: string };
  /** API components in trouble (products are in the answer block). */
  affected: ComponentRowView[];
  affectedNote: string;
  incidents: IncidentView[];
  meanwhile: string[];
  alternatives: { slug: string; name: string; checked: TimeView | null }[];
  officialHref: string | undefined;
  errorPages: LinkView[];
  related: LinkView[];
};

/** What a developer can do while waiting, for each answer. */
const MEANWHILE: Record<DownAnswer, (name: string) => string[]> = {
  yes: (name) => [
    `Retry with exponential backoff and jitter (for example 1 s, 2 s, 4 s… up to a minute), and honour any ` +
      `retry-after header ${name} sends.`,
    'Stop retrying after a few attempts and queue work that can wait, so your retries do not add to the load.',
    'Show your users a clear message rather than failing silently, and fail over to another provider if your ' +
      'application can.',
  ],
  partly: (name) => [
    `Retry failed requests with exponential backoff and jitter; most requests to ${name} may still succeed.`,
    'Check whether the affected components are the ones you use, and route around them (another model or ' +
      'endpoint) if you can.',
    'Keep timeouts generous and prefer streaming for long generations while the service is degraded.',
  ],
  no: (name) => [
    `If your calls to ${name} fail anyway, the cause is most likely on your side: paste the error into our ` +
      `diagnosis, or open the page of your error below.`,
    `Try the smallest possible request (listing models) from the same machine, to tell an account or code ` +
      `problem from a network one.`,
  ],
  unknown: (name) => [
    `Open ${name}'s own status page and try the smallest possible request (listing models) yourself.`,
    'Retry failed requests with exponential backoff and jitter until the picture is clear.',
  ],
};

/** With some probe regions failing and others answering: the advice to route through the ones that answer. */
function regionalAdvice(data: ProviderData): string[] {
  const regions = data.assessment.regions;
  if (regionalQuorum(regions) !== 'partly') return [];
  const of = (state: string) => listRegions(regions.filter((r) => r.state === state).map((r) => r.region));
  return [
    `Our probes fail only from ${of('failing')} and answer from ${listRegions(
      regions.filter((r) => r.state === 'operational' || r.state === 'slow').map((r) => r.region),
    )}: if your requests leave from a failing region, routing them through another region is likely to help.`,
  ];
}

export function isItDownView(data: ProviderData, all: readonly ProviderData[], catalog: Catalog): IsItDownView {
  const p = data.provider;
  const answer = data.assessment.down;
  const official = data.status.signals.official;
  const affected = (data.assessment.components ?? [])
    .filter((c) => c.scope === 'api' && c.level !== 'operational' && c.level !== 'unknown')
    .map((c) => componentRowView(c, data.now));
  const readAt = timeView(data.officialCheck.lastOkAt, data.now);
  const affectedNote =
    data.components === null
      ? p.statusPage
        ? `${p.name}'s status page has not been read yet, so we cannot list affected components.`
        : `${p.name} has no official status page that lists components.`
      : affected.length === 0
        ? `${p.name}'s status page lists no API component in ` +
          `trouble${official.state === 'fresh' ? '' : ` (as last read ${readAt?.ago ?? 'earlier'})`}.`
        : official.state === 'fresh'
          ? `As ${p.name}'s status page lists them now.`
          : `As ${p.name}'s status page last showed them, ${readAt?.ago ?? 'earlier'}.`;
  return {
    breadcrumbs: [
      { name: 'All providers', path: '/' },
      { name: p.name, path: `/${p.slug}` },
      { name: 'Is it down?', path: `/${p.slug}/is-it-down` },
    ],
    provider: { slug: p.slug, name: p.name },
    title: `Is ${p.name} down? ${answer.label}`,
    description: `Is ${p.name} down right now? A direct answer from ${signalWords(p)}, each with its age.`,
    answer: answerView(data, {
      subject: `the ${p.name} API`,
      products: 'trouble',
      verdict: { key: answer.answer, label: answer.label, text: answer.sentence },
      evidence: answer.evidence,
      lead: true,
      nameOf: namesIn(catalog),
    }),
    direct: { answer: answer.answer, label: answer.label },
    affected,
    affectedNote,
    incidents: data.openIncidents.map((i) => incidentView(i, data.now, incidentContext(data, i))),
    meanwhile: [...regionalAdvice(data), ...MEANWHILE[answer.answer](p.name)],
    alternatives: all
      .filter((d) => d.provider.slug !== p.slug && d.assessment.down.answer === 'no')
      .sort((a, b) => a.provider.name.localeCompare(b.provider.name))
      .map((d) => ({ slug: d.provider.slug, name: d.provider.name, checked: timeView(d.status.lastGoodAt, d.now) })),
    officialHref: officialPageHref(p),
    errorPages: errorTypesFor(catalog, p).map((e) => ({
      label: `${p.name}: ${e.title}`,
      href: `/${p.slug}/error/${e.slug}`,
    })),
    related: [
      { label: `${p.name} status dashboard`, href: `/${p.slug}` },
      { label: `Diagnose an error message from ${p.name}`, href: `/diagnose?provider=${p.slug}` },
      { label: 'How we decide a status', href: '/methodology' },
      { label: 'All AI API providers', href: '/' },
    ],
  };
}

const template = pageTemplate<IsItDownView>('is-it-down');

export async function isItDownPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, config, assessor, store, pages, now } = deps;
  /** The provider's reading and the alternatives', read together: alternatives come from every provider. */
  const read = async (slug: string, at: number) => {
    const all = await assessor.all(at);
    return { data: all.find((d) => d.provider.slug === slug)!, all };
  };

  app.get<{ Params: { provider: string } }>('/:provider/is-it-down', async (request, reply) => {
    const provider = trackedProvider(catalog, request.params.provider);
    const path = `/${provider.slug}/is-it-down`;
    // Alternatives come from every provider, so the page changes with any provider's data.
    return pages.serve(request, reply, `page:${path}`, store.versions.global(), async () => {
      const { data, all } = await read(provider.slug, now());
      const view = isItDownView(data, all, catalog);
      return pages.html(
        template,
        { title: view.title, description: view.description, path, breadcrumbs: view.breadcrumbs },
        view,
      );
    });
  });

  app.get<{ Params: { provider: string } }>('/api/v1/providers/:provider/is-it-down', async (request, reply) => {
    const provider = trackedProvider(catalog, request.params.provider);
    const key = `api:providers/${provider.slug}/is-it-down`;
    return pages.serveJson(request, reply, key, store.versions.global(), async () => {
      const at = now();
      const { data, all } = await read(provider.slug, at);
      const view = isItDownView(data, all, catalog);
      return {
        generatedAt: toIso(at),
        provider: provider.slug,
        answer: view.direct.answer,
        label: view.direct.label,
        sentence: view.answer.verdict?.text ?? '',
        evidence: data.assessment.down.evidence.map(reasonJson),
        level: view.answer.level.level,
        affectedComponents: view.affected.map((c) => ({ name: c.name, level: c.status.level })),
        regions: regionsJson(data),
        alternatives: view.alternatives.map((a) => a.slug),
        html: `${config.siteUrl}/${provider.slug}/is-it-down`,
      };
    });
  });
}
