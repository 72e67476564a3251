// A test event a subscriber asks for: a marked event about the first provider they follow, where nothing happened,
// sent once through the normal single send (signed like any webhook); its outcome is shown, not stored.
import { randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog/load.ts';
import type { StatusEvent } from '../domain.ts';
import type { SubscriptionRow } from '../store/subscriptions.ts';
import type { Sender, SendOutcome } from './send.ts';

/** How long a test event may take before the visitor is answered. */
export const TEST_EVENT_DEADLINE_MS = 15_000;

export function testEvent(subscription: SubscriptionRow, catalog: Catalog, siteUrl: string, now: number): StatusEvent {
  const provider = catalog.providerBySlug.get(subscription.providers?.[0] ?? '') ?? catalog.providers[0]!;
  return {
    id: `test-${randomUUID()}`,
    type: 'level_changed',
    at: new Date(now).toISOString(),
    provider: { slug: provider.slug, name: `${provider.name} (test event: nothing happened)` },
    level: 'operational',
    previousLevel: 'operational',
    incident: null,
    components: [],
    url: `${siteUrl}/${provider.slug}`,
    test: true,
  };
}

export function sendTestEvent(sender: Sender, subscription: SubscriptionRow, event: StatusEvent): Promise<SendOutcome> {
  const { channel, target, secret, legacySecret, legacyUntil, unsubscribeToken } = subscription;
  return sender.deliver(
    { channel, target, secret, legacySecret, legacyUntil, unsubscribeToken, event },
    AbortSignal.timeout(TEST_EVENT_DEADLINE_MS),
  );
}
