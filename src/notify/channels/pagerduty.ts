// PagerDuty Events API v2: a status change triggers an alert and its end resolves it, under a dedup_key stable per
// provider and subject (the API's level, one incident, one maintenance), so one outage is one PagerDuty incident.
// The summary stays within PagerDuty's 1,024 characters, cut between whole characters.
import type { Level, StatusEvent } from '../../domain.ts';
import { boundedLink, escapedWithin, eventTitle, levelLine } from '../messages.ts';

export const PAGERDUTY_SUMMARY_MAX_CHARS = 1024;
/** An Events API v2 integration's routing key: 32 letters and digits. */
export const PAGERDUTY_ROUTING_KEY = /^[A-Za-z0-9]{32}$/;

const SEVERITY: Record<Level, 'critical' | 'error' | 'warning' | 'info'> = {
  major_outage: 'critical',
  partial_outage: 'error',
  degraded: 'warning',
  maintenance: 'info',
  operational: 'info',
  unknown: 'warning',
};

/** What the event is about, the same for its start and its end; a test event is its own subject. */
export function pagerdutyDedupKey(event: StatusEvent): string {
  if (event.test) return `status/${event.provider.slug}/test/${event.id}`;
  if (event.incident) return `status/${event.provider.slug}/${event.incident.kind}/${event.incident.id}`;
  return `status/${event.provider.slug}/api`;
}

/** Whether the event ends its subject: a resolved incident, an ended maintenance, the API operational again. */
export function endsSubject(event: StatusEvent): boolean {
  if (event.type === 'incident_resolved' || event.type === 'maintenance_ended') return true;
  return event.type === 'level_changed' && event.level === 'operational';
}

const plain = (text: string) => text;

export function pagerdutyEvent(event: StatusEvent, routingKey: string, source: string): object {
  const dedupKey = pagerdutyDedupKey(event);
  // A test event only resolves its own key: the routing key is checked, nothing is paged.
  if (endsSubject(event) || event.test)
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  const link = boundedLink(event.incident?.link);
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: escapedWithin(`${eventTitle(event)} — ${levelLine(event)}`, plain, PAGERDUTY_SUMMARY_MAX_CHARS),
      source,
      severity: SEVERITY[event.level],
      timestamp: event.at,
      component: 'API',
      group: event.provider.slug,
      class: event.type,
      custom_details: {
        level: event.level,
        previous_level: event.previousLevel,
        ...(event.incident ? { incident_state: event.incident.state } : {}),
        ...(event.components.length > 0 ? { components: event.components.slice(0, 50) } : {}),
      },
    },
    links: [{ href: event.url, text: 'Status page' }, ...(link ? [{ href: link, text: "Provider's notice" }] : [])],
  };
}
