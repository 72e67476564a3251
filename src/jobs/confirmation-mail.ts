// Confirmation mails, apart from event recording and deliveries: each run sends the due ones a few at a time, retries
// one the mail server did not accept after a growing wait, and marks it refused after a bounded number of tries.
import type { Sender } from '../notify/send.ts';
import type { ConfirmationToSend } from '../store/subscriptions.ts';
import type { Store } from '../store/index.ts';
import { SECOND_MS } from '../time.ts';
import type { JobLog } from './scheduler.ts';

/** How often the mail job looks for due confirmations. */
export const CONFIRMATION_MAIL_INTERVAL_MS = SECOND_MS;
/** Tries of one confirmation mail before it is marked refused. */
export const CONFIRMATION_TRIES = 3;
/** Wait before the second try; doubled for each later one. */
export const CONFIRMATION_RETRY_MS = 30 * SECOND_MS;
/** Mails in flight at once, so one slow or refused address never holds up the others. */
export const CONFIRMATION_MAIL_CONCURRENCY = 4;
/** Due confirmations one run takes on. */
const BATCH = 20;

/** One run for an interval job: sends what is due and records each outcome; never throws. */
export function confirmationMailTask(deps: {
  store: Store;
  sender: Sender;
  now: () => number;
  log?: JobLog;
}): () => Promise<void> {
  const { store, sender, now, log } = deps;

  async function sendOne(c: ConfirmationToSend): Promise<void> {
    const outcome = await sender.confirm(c.target, c.token, c.unsubscribeToken);
    const at = now();
    if (outcome.ok) return store.subscriptions.confirmationSent(c.id, at);
    const tries = c.attempts + 1;
    const nextAt = tries >= CONFIRMATION_TRIES ? null : at + CONFIRMATION_RETRY_MS * 2 ** (tries - 1);
    await store.subscriptions.confirmationFailed(c.id, at, nextAt);
    log?.warn(
      { subscription: c.subscriptionId, error: outcome.error, tries },
      nextAt === null ? 'confirmation mail refused: given up' : 'confirmation mail not sent: will retry',
    );
  }

  return async () => {
    try {
      const due = await store.subscriptions.confirmationsToSend(now(), BATCH);
      const workers = Array.from({ length: Math.min(CONFIRMATION_MAIL_CONCURRENCY, due.length) }, async () => {
        for (let c = due.shift(); c; c = due.shift()) {
          await sendOne(c).catch((err: unknown) =>
            log?.warn({ err, subscription: c.subscriptionId }, 'confirmation mail could not be recorded'),
          );
        }
      });
      await Promise.all(workers);
    } catch (err) {
      log?.warn({ err }, 'confirmation mail run failed');
    }
  };
}
