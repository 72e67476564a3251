// Statuspage-compatible API per provider (/<provider>/api/v2/…): our assessment in the shapes Statuspage clients read,
// readable from any origin, cached like our other JSON.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { WebDeps } from '../http/deps.ts';
import type { ProviderData } from '../../assessment/signals.ts';
import { trackedProvider } from '../http/problems.ts';
import {
  statuspageComponents,
  statuspageIncidents,
  statuspageMaintenances,
  statuspagePage,
  statuspageStatus,
  statuspageSummary,
  type StatuspageSite,
} from './statuspage-bodies.ts';

/** Each document under /<provider>/api/v2/ and what it holds. */
export const STATUSPAGE_DOCUMENTS: Record<string, (data: ProviderData, site: StatuspageSite) => object> = {
  'summary.json': (data, site) => statuspageSummary(data, site),
  'status.json': (data, site) => ({ page: statuspagePage(data, site), status: statuspageStatus(data) }),
  'components.json': (data, site) => ({ page: statuspagePage(data, site), components: statuspageComponents(data) }),
  'incidents.json': (data, site) => ({
    page: statuspagePage(data, site),
    incidents: statuspageIncidents(data, site, 'all'),
  }),
  'incidents/unresolved.json': (data, site) => ({
    page: statuspagePage(data, site),
    incidents: statuspageIncidents(data, site, 'unresolved'),
  }),
  'scheduled-maintenances.json': (data, site) => ({
    page: statuspagePage(data, site),
    scheduled_maintenances: statuspageMaintenances(data, site, 'all'),
  }),
  'scheduled-maintenances/upcoming.json': (data, site) => ({
    page: statuspagePage(data, site),
    scheduled_maintenances: statuspageMaintenances(data, site, 'upcoming'),
  }),
  'scheduled-maintenances/active.json': (data, site) => ({
    page: statuspagePage(data, site),
    scheduled_maintenances: statuspageMaintenances(data, site, 'active'),
  }),
};

export const statuspagePath = (slug: string, document: string) => `/${slug}/api/v2/${document}`;

/** Dashboards read status APIs from the browser: any origin may read these public GETs. */
export const allowAnyOrigin = (reply: FastifyReply): FastifyReply =>
  reply.header('access-control-allow-origin', '*').header('cross-origin-resource-policy', 'cross-origin');

export async function statuspageApi(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, config, assessor, store, pages, now } = deps;
  const site = { siteUrl: config.siteUrl };
  for (const [document, build] of Object.entries(STATUSPAGE_DOCUMENTS)) {
    app.get<{ Params: { provider: string } }>(statuspagePath(':provider', document), async (request, reply) => {
      const provider = trackedProvider(catalog, request.params.provider);
      allowAnyOrigin(reply);
      return pages.serveJson(
        request,
        reply,
        `statuspage:${provider.slug}/${document}`,
        store.versions.of(provider.slug),
        async () => build(await assessor.of(provider, now()), site),
      );
    });
  }
}
