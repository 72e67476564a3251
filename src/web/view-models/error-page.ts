// View model of `/:provider/error/:error`: status and verdict, the error explained for this provider, evidence.
import type { Catalog } from '../../catalog/load.ts';
import { errorTypesFor } from '../../catalog/load.ts';
import type { ErrorType, Signature } from '../../catalog/schema.ts';
import type { ProviderData } from '../provider-data.ts';
import {
  componentsView,
  headlineView,
  incidentsView,
  reasonViews,
  type ComponentsView,
  type HeadlineView,
  type IncidentsView,
  type ReasonView,
} from './common.ts';
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
  headline: HeadlineView;
  verdict: { verdict: string; label: string; text: string; evidence: ReasonView[] };
  community: CommunityBlockView;
  explanation: Segment[][];
  note: Segment[] | null;
  signatures: { own: SignatureView[]; generic: SignatureView[] };
  /** Response headers worth reading with this error: the provider's own first. */
  headers: { name: string; meaning: Segment[] }[];
  causes: Segment[][];
  fixes: Segment[][];
  /** `now` marks the case that fits the verdict, when the verdict decides it. */
  waiting: { helps: Segment[]; wontHelp: Segment[]; now: 'helps' | 'wontHelp' | null };
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
  const faq = [...errorType.faq, ...(override?.faq ?? [])].map((f) => ({ q: fillText(f.q, values), a: text(f.a) }));
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
    headline: headlineView(data),
    verdict: {
      verdict: verdict.verdict,
      label: verdict.label,
      text: verdict.text,
      evidence: reasonViews(verdict.evidence, data.now),
    },
    community: communityView(data, form, errorType),
    explanation: errorType.explanation.map(text),
    note: override?.note ? text(override.note) : null,
    signatures: {
      own: (override?.signatures ?? []).map(signatureView),
      generic: errorType.signatures.filter((s) => !ownLabels.has(s.label.toLowerCase())).map(signatureView),
    },
    causes: [...errorType.causes, ...(override?.causes ?? [])].map(text),
    fixes: [...errorType.fixes.slice(0, -1), ...(override?.fixes ?? []), ...errorType.fixes.slice(-1)].map(text),
    headers: [...(override?.headers ?? []), ...errorType.headers]
      .filter((h, i, all) => all.findIndex((x) => x.name.toLowerCase() === h.name.toLowerCase()) === i)
      .map((h) => ({ name: h.name, meaning: text(h.meaning) })),
    waiting: {
      helps: text(errorType.waiting.helps),
      wontHelp: text(errorType.waiting.wontHelp),
      now: verdict.waiting,
    },
    resources: resourceLinks(data),
    live: liveSignalsView(data, probeIntervalMs),
    components: componentsView(data),
    incidents: incidentsView(data),
    faq,
    related: {
      dashboard: { label: `${p.name} status dashboard`, href: `/${p.slug}` },
      isItDown: { label: `Is ${p.name} down?`, href: `/${p.slug}/is-it-down` },
      guide: { label: `${errorType.shortTitle} at every provider`, href: `/errors/${errorType.slug}` },
      diagnose: { label: 'Diagnose a pasted error message', href: `/diagnose?provider=${p.slug}` },
      otherErrors: errorTypesFor(catalog, p)
        .filter((e) => e.slug !== errorType.slug)
        .map((e) => ({ label: `${p.name}: ${e.shortTitle}`, href: `/${p.slug}/error/${e.slug}` })),
      all: { label: 'All AI API providers', href: '/' },
    },
  };
}
