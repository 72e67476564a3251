// `/:provider/error/:error`: one error of one provider: is it us or them, what it means, how to fix it (route and
// view model).
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../http/deps.ts';
import { NotFound, parseOr400, trackedProvider } from '../http/problems.ts';
import { pageTemplate } from '../http/render.ts';
import { ReportedQuery, reportedQueryString } from '../blocks/report-input.ts';
import { providerPageVersion } from './provider.ts';
import { resourceLinks, type LinkView } from '../blocks/common.ts';
import type { Catalog } from '../../catalog/load.ts';
import { errorTypesFor } from '../../catalog/load.ts';
import { firstFitting, fitting } from '../../catalog/fit.ts';
import type { ErrorType, Fitted, Signature } from '../../catalog/schema.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import { namesIn } from '../blocks/correlated.ts';
import { answerView, type AnswerView } from '../blocks/answer.ts';
import { communityView, type CommunityBlockView, type ReportFormInput } from '../blocks/community.ts';
import type { ErrorAssessment } from '../../status/verdict.ts';
import type { Verdict } from '../../domain.ts';
import type { Crumb, FaqItem } from '../http/structured-data.ts';
import { providerFeedLinks } from '../machine/feed.ts';
import type { FeedLink } from '../http/render.ts';
import { fillText, placeholderValues, providerText, segmentsText, toSegments, type Segment } from '../blocks/text.ts';

export type SignatureView = {
  label: string;
  status: number | null;
  code: string | null;
  type: string | null;
  body: string | null;
  exceptions: string[];
  note: Segment[] | null;
};

export type ErrorPageView = {
  provider: { slug: string; name: string };
  error: { slug: string; title: string; shortTitle: string };
  title: string;
  description: string;
  breadcrumbs: Crumb[];
  feeds: FeedLink[];
  /** The FAQ as plain text, for FAQPage JSON-LD. */
  faqText: FaqItem[];
  answer: AnswerView;
  community: CommunityBlockView;
  /** The reports chart, while there are reports of this error to see in it. */
  communityChart: boolean;
  explanation: Segment[][];
  note: Segment[] | null;
  signatures: { own: SignatureView[]; generic: SignatureView[] };
  /** Response headers worth reading with this error: the provider's own first. */
  headers: { name: string; meaning: Segment[] }[];
  causes: Segment[][];
  fixes: Segment[][];
  /** On the provider's side: the visitor's own fixes, for when the error outlasts the provider's trouble. */
  fixesLater: Segment[][];
  /** Whether waiting helps: from this moment's evidence when the verdict decides (`now`), else when it would. */
  waiting: { text: Segment[]; now: boolean }[];
  resources: LinkView[];
  faq: { q: string; a: Segment[] }[];
  related: {
    dashboard: LinkView;
    isItDown: LinkView;
    guide: LinkView;
    diagnose: LinkView;
    otherErrors: LinkView[];
  };
};

const signatureView = (s: Signature): SignatureView => ({
  label: s.label,
  status: s.status ?? null,
  code: s.code ?? null,
  type: s.type ?? null,
  body: s.body ?? null,
  exceptions: s.exceptions ?? [],
  note: s.note ? toSegments(s.note) : null,
});

/** The provider's key page, its status page and its own resources, https only and without duplicates. */

/**
 * The fixes in the order the verdict calls for. The general list's last fix is the provider-side one (wait and
 * retry): on the provider's side it leads with falling back, and the visitor's own fixes wait (`later`) until the
 * provider recovers; on the visitor's side it is left out.
 */
function orderedFixes(general: string[], own: readonly string[], verdict: Verdict, name: string) {
  const theirs = general.slice(-1);
  const yours = [...general.slice(0, -1), ...own];
  if (verdict === 'your_side') return { now: yours, later: [] };
  if (verdict === 'inconclusive') return { now: [...yours, ...theirs], later: [] };
  const fallBack = `If your application can, fall back to another model or provider until ${name} recovers.`;
  return { now: [...theirs, fallBack], later: yours };
}

/** "Will waiting help?" answered from the verdict's evidence at this moment. */
function waitingNow(
  verdict: ErrorAssessment,
  name: string,
  usualSide: ErrorType['usualSide'],
  rules: { helps: string; wontHelp: string },
) {
  if (verdict.waiting === 'helps') {
    // The answer above names the evidence; this says what it means for waiting.
    const then = usualSide === 'yours' ? `Retry with backoff until ${name} recovers.` : rules.helps;
    return [{ text: `Yes, most likely, while ${name}'s side shows the trouble above. ${then}`, now: true }];
  }
  if (verdict.waiting === 'wontHelp') return [{ text: rules.wontHelp, now: true }];
  return [{ text: `Not known yet: ${rules.helps.charAt(0).toLowerCase()}${rules.helps.slice(1)}`, now: false }];
}

export function errorPageView(
  data: ProviderData,
  errorType: ErrorType,
  catalog: Catalog,
  form: ReportFormInput,
): ErrorPageView {
  const p = data.provider;
  const values = placeholderValues(p);
  const override = p.errors[errorType.slug];
  const text = (t: string) => providerText(t, values);
  const verdict = data.error(errorType).verdict;
  const ownLabels = new Set((override?.signatures ?? []).map((s) => s.label.toLowerCase()));
  const faq = [...fitting(errorType.faq, p), ...(override?.faq ?? [])].map((f) => ({
    q: fillText(f.q, values),
    a: text(f.a),
  }));
  const general = (list: readonly Fitted[]) => fitting(list, p).map((t) => t.text);
  const causes = general(errorType.causes);
  const fixes = general(errorType.fixes);
  const path = `/${p.slug}/error/${errorType.slug}`;
  const community = communityView(data, form, errorType);
  const decided = verdict.verdict !== 'inconclusive';
  const ordered = orderedFixes(fixes, override?.fixes ?? [], verdict.verdict, p.name);
  return {
    provider: { slug: p.slug, name: p.name },
    error: { slug: errorType.slug, title: errorType.title, shortTitle: errorType.shortTitle },
    title: `${p.name}: ${errorType.title}`,
    description: fillText(errorType.summary, values),
    breadcrumbs: [
      { name: 'All providers', path: '/' },
      { name: p.name, path: `/${p.slug}` },
      { name: errorType.shortTitle, path },
    ],
    feeds: providerFeedLinks(p),
    faqText: faq.map((f) => ({ q: f.q, a: segmentsText(f.a) })),
    answer: answerView(data, {
      subject: `the ${p.name} API`,
      products: 'trouble',
      verdict: { key: verdict.verdict, label: verdict.label, text: verdict.text },
      evidence: verdict.evidence.length > 0 ? verdict.evidence : data.status.reasons,
      nameOf: namesIn(catalog),
    }),
    community,
    communityChart: (community.category?.recent ?? community.recent) > 0,
    explanation: general(errorType.explanation).map(text),
    note: override?.note ? text(override.note) : null,
    signatures: {
      own: (override?.signatures ?? []).map(signatureView),
      generic: errorType.signatures.filter((s) => !ownLabels.has(s.label.toLowerCase())).map(signatureView),
    },
    // The last general cause is the provider-side case: a decided verdict has already said whether it holds.
    causes: [...causes.slice(0, -1), ...(override?.causes ?? []), ...(decided ? [] : causes.slice(-1))].map(text),
    fixes: ordered.now.map(text),
    fixesLater: ordered.later.map(text),
    headers: [...(override?.headers ?? []), ...errorType.headers]
      .filter((h, i, all) => all.findIndex((x) => x.name.toLowerCase() === h.name.toLowerCase()) === i)
      .map((h) => ({ name: h.name, meaning: text(h.meaning) })),
    waiting: waitingNow(verdict, p.name, errorType.usualSide, {
      helps: firstFitting(errorType.waiting.helps, p),
      wontHelp: firstFitting(errorType.waiting.wontHelp, p),
    }).map((w) => ({ text: text(w.text), now: w.now })),
    resources: resourceLinks(data),
    faq,
    related: {
      dashboard: { label: `${p.name} status dashboard`, href: `/${p.slug}` },
      isItDown: { label: `Is ${p.name} down?`, href: `/${p.slug}/is-it-down` },
      guide: { label: `${errorType.shortTitle} at every provider`, href: `/errors/${errorType.slug}` },
      diagnose: { label: 'Diagnose a pasted error message', href: `/diagnose?provider=${p.slug}` },
      otherErrors: errorTypesFor(catalog, p)
        .filter((e) => e.slug !== errorType.slug)
        .map((e) => ({ label: e.shortTitle, href: `/${p.slug}/error/${e.slug}` })),
    },
  };
}

const template = pageTemplate<ErrorPageView>('error');

export async function errorPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, assessor, pages, now, formTokens } = deps;
  app.get<{ Params: { provider: string; error: string } }>('/:provider/error/:error', async (request, reply) => {
    const provider = trackedProvider(catalog, request.params.provider);
    const errorType = errorTypesFor(catalog, provider).find((e) => e.slug === request.params.error);
    if (!errorType) throw new NotFound(`We have no page for the error "${request.params.error}" of ${provider.name}.`);
    const path = `/${provider.slug}/error/${errorType.slug}`;
    const reported = parseOr400(ReportedQuery, request.query, 'query');
    const key = `page:${path}${reportedQueryString(reported)}`;
    return pages.serve(request, reply, key, await providerPageVersion(deps, provider), async () => {
      const data = await assessor.of(provider, now());
      const view = errorPageView(data, errorType, catalog, {
        token: formTokens.issue(provider.slug, data.now),
        ...reported,
      });
      const meta = {
        title: view.title,
        description: view.description,
        path,
        breadcrumbs: view.breadcrumbs,
        faq: view.faqText,
        feeds: view.feeds,
      };
      return pages.html(template, meta, view);
    });
  });
}
