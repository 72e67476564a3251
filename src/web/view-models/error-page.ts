// View model of `/:provider/error/:error`: status and verdict, the error explained for this provider, evidence.
import type { Catalog } from '../../catalog/load.ts';
import { errorTypesFor } from '../../catalog/load.ts';
import { firstFitting, fitting } from '../../catalog/fit.ts';
import type { ErrorType, Fitted, Signature } from '../../catalog/schema.ts';
import type { ProviderData } from '../provider-data.ts';
import { namesIn } from './correlated.ts';
import { answerView, type AnswerView } from './answer.ts';
import { componentsView, incidentsView, type ComponentsView, type IncidentsView } from './common.ts';
import { communityView, type CommunityBlockView, type ReportFormInput } from './community.ts';
import { errorVerdict } from './error-verdict.ts';
import { liveSignalsView, type LiveSignalsView } from './live-signals.ts';
import type { Crumb, FaqItem } from '../structured-data.ts';
import { providerFeedLinks, type FeedLink } from './feed.ts';
import {
  fillText,
  officialPageHref,
  placeholderValues,
  providerText,
  segmentsText,
  toSegments,
  type Segment,
} from './text.ts';

export type SignatureView = {
  label: string;
  status: number | null;
  code: string | null;
  type: string | null;
  body: string | null;
  exceptions: string[];
  note: Segment[] | null;
};

export type LinkView = { label: string; href: string };

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
  explanation: Segment[][];
  note: Segment[] | null;
  signatures: { own: SignatureView[]; generic: SignatureView[] };
  /** Response headers worth reading with this error: the provider's own first. */
  headers: { name: string; meaning: Segment[] }[];
  causes: Segment[][];
  fixes: Segment[][];
  /** When waiting helps and when it does not; only the case that fits the verdict, marked `now`, when it decides. */
  waiting: { text: Segment[]; now: boolean }[];
  resources: LinkView[];
  live: LiveSignalsView;
  components: ComponentsView;
  incidents: IncidentsView;
  faq: { q: string; a: Segment[] }[];
  related: {
    dashboard: LinkView;
    isItDown: LinkView;
    guide: LinkView;
    diagnose: LinkView;
    otherErrors: LinkView[];
    all: LinkView;
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
export function resourceLinks(data: ProviderData): LinkView[] {
  const p = data.provider;
  const links: LinkView[] = [{ label: `${p.name} API keys`, href: p.keysUrl }];
  const statusHref = officialPageHref(p);
  if (statusHref) links.push({ label: `${p.name} official status page`, href: statusHref });
  for (const r of p.resources) links.push({ label: r.label, href: r.url });
  const seen = new Set<string>();
  return links.filter((l) => (seen.has(l.href) ? false : (seen.add(l.href), true)));
}

export function errorPageView(
  data: ProviderData,
  errorType: ErrorType,
  catalog: Catalog,
  probeIntervalMs: number,
  form: ReportFormInput,
): ErrorPageView {
  const p = data.provider;
  const values = placeholderValues(p);
  const override = p.errors[errorType.slug];
  const text = (t: string) => providerText(t, values);
  const verdict = errorVerdict(data, errorType);
  const ownLabels = new Set((override?.signatures ?? []).map((s) => s.label.toLowerCase()));
  const faq = [...fitting(errorType.faq, p), ...(override?.faq ?? [])].map((f) => ({
    q: fillText(f.q, values),
    a: text(f.a),
  }));
  const general = (list: readonly Fitted[]) => fitting(list, p).map((t) => t.text);
  const causes = general(errorType.causes);
  const fixes = general(errorType.fixes);
  const path = `/${p.slug}/error/${errorType.slug}`;
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
    community: communityView(data, form, errorType),
    explanation: general(errorType.explanation).map(text),
    note: override?.note ? text(override.note) : null,
    signatures: {
      own: (override?.signatures ?? []).map(signatureView),
      generic: errorType.signatures.filter((s) => !ownLabels.has(s.label.toLowerCase())).map(signatureView),
    },
    // The provider's own causes and fixes go before the last general one, which is the provider-side case.
    causes: [...causes.slice(0, -1), ...(override?.causes ?? []), ...causes.slice(-1)].map(text),
    fixes: [...fixes.slice(0, -1), ...(override?.fixes ?? []), ...fixes.slice(-1)].map(text),
    headers: [...(override?.headers ?? []), ...errorType.headers]
      .filter((h, i, all) => all.findIndex((x) => x.name.toLowerCase() === h.name.toLowerCase()) === i)
      .map((h) => ({ name: h.name, meaning: text(h.meaning) })),
    waiting:
      verdict.waiting === 'helps'
        ? [{ text: text(firstFitting(errorType.waiting.helps, p)), now: true }]
        : verdict.waiting === 'wontHelp'
          ? [{ text: text(firstFitting(errorType.waiting.wontHelp, p)), now: true }]
          : [
              { text: text(firstFitting(errorType.waiting.helps, p)), now: false },
              { text: text(firstFitting(errorType.waiting.wontHelp, p)), now: false },
            ],
    resources: resourceLinks(data),
    live: liveSignalsView(data, probeIntervalMs),
    components: componentsView(data),
    incidents: incidentsView(data, { closedShown: 2 }),
    faq,
    related: {
      dashboard: { label: `${p.name} status dashboard`, href: `/${p.slug}` },
      isItDown: { label: `Is ${p.name} down?`, href: `/${p.slug}/is-it-down` },
      guide: { label: `${errorType.shortTitle} at every provider`, href: `/errors/${errorType.slug}` },
      diagnose: { label: 'Diagnose a pasted error message', href: `/diagnose?provider=${p.slug}` },
      otherErrors: errorTypesFor(catalog, p)
        .filter((e) => e.slug !== errorType.slug)
        .map((e) => ({ label: e.shortTitle, href: `/${p.slug}/error/${e.slug}` })),
      all: { label: 'All AI API providers', href: '/' },
    },
  };
}
