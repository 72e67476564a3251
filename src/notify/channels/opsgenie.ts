// Opsgenie Alert API: a status change creates an alert and its end closes it by alias, the alias stable per provider
// and subject (as PagerDuty's dedup_key), so one outage is one alert. Message within 130 characters, description
// within 15,000, cut between whole characters; the API key travels only in the Authorization header.
import type { Level, StatusEvent } from '../../domain.ts';
import { boundedLink, detailLines, escapedWithin, eventTitle } from '../messages.ts';
import { endsSubject, pagerdutyDedupKey } from './pagerduty.ts';

export const OPSGENIE_MESSAGE_MAX_CHARS = 130;
export const OPSGENIE_DESCRIPTION_MAX_CHARS = 15_000;
/** An Opsgenie API integration's key: a UUID. */
export const OPSGENIE_API_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const PRIORITY: Record<Level, 'P1' | 'P2' | 'P3' | 'P4' | 'P5'> = {
  major_outage: 'P1',
  partial_outage: 'P2',
  degraded: 'P3',
  unknown: 'P3',
  maintenance: 'P5',
  operational: 'P5',
};

const plain = (text: string) => text;

/** The request for an event: create the alert, or close it by its alias (a test event closes its own alias). */
export function opsgenieRequest(event: StatusEvent, apiUrl: string, source: string): { url: string; body: object } {
  const alias = pagerdutyDedupKey(event);
  const base = apiUrl.replace(/\/+$/, '');
  if (endsSubject(event) || event.test)
    return {
      url: `${base}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
      body: { source, note: escapedWithin(eventTitle(event), plain, 1000) },
    };
  const link = boundedLink(event.incident?.link);
  const description = [...detailLines(event), '', `Status page: ${event.url}`, ...(link ? [`Notice: ${link}`] : [])];
  return {
    url: `${base}/v2/alerts`,
    body: {
      message: escapedWithin(eventTitle(event), plain, OPSGENIE_MESSAGE_MAX_CHARS),
      alias,
      description: escapedWithin(description.join('\n'), plain, OPSGENIE_DESCRIPTION_MAX_CHARS),
      priority: PRIORITY[event.level],
      source,
      tags: ['status', event.provider.slug, event.level],
      details: { level: event.level, previousLevel: event.previousLevel, type: event.type },
    },
  };
}
