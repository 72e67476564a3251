// Community reports: POST /:provider/reports (the HTML form, answered with a 303 back to its page) and its JSON twin,
// behind a same-site check and a per-client rate limit; counting rules live in the store and src/status/community.ts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorTypesFor } from '../../catalog/load.ts';
import type { Provider } from '../../catalog/schema.ts';
import type { ReportCategory } from '../../domain.ts';
import { COMMUNITY_DEDUPE_MS } from '../../status/community.ts';
import type { IgnoredReason, ReportDetails } from '../../store/reports.ts';
import { MINUTE_MS } from '../../time.ts';
import type { WebDeps } from '../http/deps.ts';
import { REPORT_MIN_FILL_MS } from '../http/form-token.ts';
import { BadRequest, parseOr400, trackedProvider } from '../http/problems.ts';
import {
  HONEYPOT_FIELD,
  REPORT_BODY_LIMIT_BYTES,
  ReportForm,
  ReportJson,
  reportedQueryString,
  type ReportOutcome,
} from '../blocks/report-input.ts';
import { reportNotice } from '../blocks/community.ts';

export const REPORT_RATE_WINDOW_MS = 10 * MINUTE_MS;

type Params = { Params: { provider: string } };

const CROSS_SITE = "Reports can only be sent from this site's own pages.";

/** Why a browser's POST comes from another site, or null. Requests without either header (curl, scripts) pass. */
export function crossSiteProblem(request: FastifyRequest, siteOrigin: string): string | null {
  const fetchSite = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  if (fetchSite === 'cross-site') return CROSS_SITE;
  // A browser's Sec-Fetch-Site cannot be set by a page; "same-site" vouches for a sibling origin.
  if (origin === undefined || fetchSite === 'same-site') return null;
  const own = [siteOrigin, `${request.protocol}://${request.host}`].map((url) => URL.parse(url)?.origin);
  const given = URL.parse(origin)?.origin;
  return given !== undefined && given !== 'null' && own.includes(given) ? null : CROSS_SITE;
}

const mediaType = (request: FastifyRequest) =>
  (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

export async function reportsApi(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, config, store, now, clientKeys, formTokens } = deps;
  const siteOrigin = new URL(config.siteUrl).origin;

  // One budget per client across both routes and all providers; the answer does not say what was counted before.
  const rateLimit = app.rateLimit({
    max: config.reportRateLimitPer10Min,
    timeWindow: REPORT_RATE_WINDOW_MS,
    keyGenerator: (request) => clientKeys.keyOf(request.ip, now()),
    errorResponseBuilder: (_request, context) =>
      Object.assign(
        new Error(
          `Thank you: we have received many reports from your network in the last few minutes, which is all we ` +
            `need for now. You can send more in ${context.after}.`,
        ),
        { statusCode: context.statusCode },
      ),
  });
  const sameSite = async (request: FastifyRequest) => {
    const problem = crossSiteProblem(request, siteOrigin);
    if (problem) throw new BadRequest(problem, 403);
  };
  const options = { bodyLimit: REPORT_BODY_LIMIT_BYTES, onRequest: [sameSite, rateLimit] };

  const providerOf = (slug: string): Provider => trackedProvider(catalog, slug);

  /** Stores the report and says what became of it, so the answer can say whether it was counted. */
  async function receive(
    request: FastifyRequest,
    provider: Provider,
    category: ReportCategory,
    details: Partial<ReportDetails>,
    ignoredReason: Exclude<IgnoredReason, 'duplicate'> | null,
  ): Promise<ReportOutcome> {
    const at = now();
    const counted = await store.reports.submit({
      providerSlug: provider.slug,
      category,
      httpStatus: details.httpStatus ?? null,
      model: details.model ?? null,
      sdk: details.sdk ?? null,
      region: details.region ?? null,
      clientHashes: clientKeys.keysOf(request.ip, at),
      allocationHash: clientKeys.allocationKeyOf(request.ip, at),
      ignoredReason,
      at,
      dedupeMs: COMMUNITY_DEDUPE_MS,
    });
    const outcome = ignoredReason ?? (counted ? 'counted' : 'duplicate');
    deps.recorder?.report(provider.slug, outcome === 'counted' ? null : outcome);
    return outcome;
  }

  app.post<Params>('/:provider/reports', options, async (request, reply) => {
    const provider = providerOf(request.params.provider);
    if (mediaType(request) !== 'application/x-www-form-urlencoded') {
      throw new BadRequest(
        "Send the report with the form on the provider's page (application/x-www-form-urlencoded).",
        415,
      );
    }
    const form = parseOr400(ReportForm, request.body, 'report');
    const errorType =
      form.page === undefined ? undefined : errorTypesFor(catalog, provider).find((e) => e.slug === form.page);
    if (form.page !== undefined && !errorType)
      throw new BadRequest(`Invalid report: page: ${provider.name} has no error page "${form.page}".`);
    const stamp = formTokens.check(provider.slug, form.token, now());
    if (!stamp.ok) throw new BadRequest(stamp.problem);

    const ignored = form[HONEYPOT_FIELD] ? 'honeypot' : stamp.ageMs < REPORT_MIN_FILL_MS ? 'too_fast' : null;
    const outcome = await receive(request, provider, form.category, form, ignored);
    const path = errorType ? `/${provider.slug}/error/${errorType.slug}` : `/${provider.slug}`;
    return reply
      .code(303)
      .header('location', `${path}${reportedQueryString({ reported: form.category, outcome })}#report`)
      .header('cache-control', 'no-store')
      .send();
  });

  app.post<Params>('/api/v1/providers/:provider/reports', options, async (request, reply) => {
    const provider = providerOf(request.params.provider);
    if (mediaType(request) !== 'application/json')
      throw new BadRequest('Send the report as JSON (Content-Type: application/json).', 415);
    const report = parseOr400(ReportJson, request.body, 'report');
    const outcome = await receive(request, provider, report.category, report, null);
    return reply
      .code(202)
      .header('cache-control', 'no-store')
      .send({
        received: true,
        counted: outcome === 'counted',
        notCountedBecause: outcome === 'counted' ? null : outcome,
        provider: provider.slug,
        category: report.category,
        message: reportNotice(report.category, outcome).text,
      });
  });
}
