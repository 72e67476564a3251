// Retention of notifications: finished deliveries, the events behind them and e-mail confirmations, after 30 days
// (a subscription's page shows its latest deliveries; pending ones are never pruned), and e-mail subscriptions
// whose confirmation expired unfollowed, so they stop counting against the site's cap.
import type { Store } from '../store/index.ts';
import { DAY_MS, HOUR_MS } from '../time.ts';

export const NOTIFICATION_RETENTION_MS = 30 * DAY_MS;
export const PRUNE_NOTIFICATIONS_INTERVAL_MS = HOUR_MS;

type Log = { info(data: object, message: string): void; error(data: object, message: string): void };

/** One run for a schedule: prunes, logs what it removed, and never throws. */
export function notificationPruneTask(store: Store, log: Log, clock: () => number = Date.now): () => Promise<void> {
  return async () => {
    try {
      const removed = await store.deliveries.prune(clock() - NOTIFICATION_RETENTION_MS);
      if (removed.deliveries + removed.events > 0) log.info(removed, 'pruned deliveries and events past retention');
      const unconfirmed = await store.subscriptions.removeUnconfirmed(clock());
      if (unconfirmed > 0) log.info({ unconfirmed }, 'removed e-mail subscriptions whose confirmation expired');
    } catch (err) {
      log.error({ err }, 'pruning deliveries and events failed');
    }
  };
}
