// View models of the subscription pages: the form, a subscription's page with its deliveries, and short notices.
import type { Catalog } from '../../catalog/load.ts';
import type { Provider } from '../../catalog/schema.ts';
import { CHANNELS, CHANNEL_LABELS, LEVEL_LABELS, LEVELS, type EventType } from '../../domain.ts';
import type { DeliveryRow } from '../../store/deliveries.ts';
import { shownTelegramTarget } from '../../notify/channels/telegram.ts';
import type { ConfirmationState, SubscriptionRow } from '../../store/subscriptions.ts';
import { formatUtc } from '../../time.ts';
import { timeView } from '../blocks/common.ts';

export function subscribeView(catalog: Catalog, emailOffered: boolean, fixed: Provider | null) {
  return {
    heading: fixed ? `Get notified about ${fixed.name}` : 'Get notified when an AI API breaks',
    intro:
      'We tell you when an API level changes and when incidents or maintenance start, change or end, as soon as our ' +
      'checks see it.',
    // Without a mail server, e-mail is neither offered nor mentioned.
    channels: CHANNELS.filter((c) => c !== 'email' || emailOffered).map((c, i) => ({
      value: c,
      label: CHANNEL_LABELS[c],
      checked: i === 0,
    })),
    targetLabel: emailOffered
      ? 'Webhook or topic URL, PagerDuty or Opsgenie key, Telegram bot token/chat id, or e-mail address'
      : 'Webhook or topic URL, PagerDuty or Opsgenie key, or Telegram bot token/chat id',
    fixedProvider: fixed ? { slug: fixed.slug, name: fixed.name } : null,
    providers: catalog.providers.map((p) => ({ slug: p.slug, name: p.name })),
    componentExample: fixed
      ? fixed.components
          .slice(0, 2)
          .map((c) => c.name)
          .join(', ')
      : 'API, Chat Completions',
    levels: LEVELS.filter((l) => l !== 'unknown' && l !== 'operational').map((l) => ({
      value: l,
      label: LEVEL_LABELS[l],
    })),
    errors: catalog.errorTypes.map((e) => ({ slug: e.slug, name: e.shortTitle })),
    privacy: emailOffered
      ? 'An e-mail address gets one confirmation mail and nothing else until it is confirmed. We use the address ' +
        'or URL only to send what you asked for; every notification carries a way to unsubscribe.'
      : 'We use the URL only to send what you asked for; every subscription has a page to unsubscribe.',
  };
}

const EVENT_WORDS: Record<EventType, string> = {
  level_changed: 'API level changed',
  incident_opened: 'Incident opened',
  incident_updated: 'Incident updated',
  incident_resolved: 'Incident resolved',
  maintenance_started: 'Maintenance started',
  maintenance_ended: 'Maintenance ended',
};

function outcome(d: DeliveryRow, now: number): string {
  if (d.state === 'delivered') return `Delivered${d.lastStatus ? ` (HTTP ${d.lastStatus})` : ''}`;
  if (d.state === 'dropped') return `Given up after ${d.attempts} attempts (${d.lastError ?? 'failed'})`;
  if (d.attempts === 0) return 'Waiting to be sent';
  const next = d.nextAt > now ? `; next try ${formatUtc(d.nextAt)}` : '';
  return `Failed ${d.attempts} time${d.attempts === 1 ? '' : 's'} (${d.lastError ?? 'error'})${next}`;
}

/** What an e-mail subscription waits for, by where its confirmation mail is. */
const WAITING: Record<ConfirmationState, string> = {
  pending: 'Waiting for confirmation: the confirmation mail is being sent',
  sent: 'Waiting for confirmation: the mail server accepted the confirmation mail',
  refused: 'Not confirmed: the mail server refused the confirmation mail; check the address and subscribe again',
  expired: 'Not confirmed: the confirmation link expired; subscribe again',
  confirmed: 'Confirmed',
};

/** A subscription as JSON for its owner (the API's GET). */
/** Where a subscription sends, as shown back: a PagerDuty routing key or Opsgenie key is a secret, only its last 4 characters show. */
const shownTarget = (s: Pick<SubscriptionRow, 'channel' | 'target'>) =>
  s.channel === 'pagerduty'
    ? `routing key …${s.target.slice(-4)}`
    : s.channel === 'opsgenie'
      ? `API key …${s.target.slice(-4)}`
      : s.channel === 'telegram'
        ? shownTelegramTarget(s.target)
        : s.target;

export function subscriptionJson(
  s: SubscriptionRow,
  deliveries: readonly DeliveryRow[],
  confirmation: ConfirmationState | null,
) {
  return {
    id: s.id,
    channel: s.channel,
    target: shownTarget(s),
    status: s.state,
    confirmation,
    providers: s.providers,
    components: s.components,
    errors: s.errors,
    minLevel: s.minLevel,
    createdAt: new Date(s.createdAt).toISOString(),
    pausedAt: s.pausedAt === null ? null : new Date(s.pausedAt).toISOString(),
    pauseReason: s.pauseReason,
    dropped: s.dropped,
    deliveries: deliveries.map((d) => ({
      eventId: d.eventId,
      type: d.type,
      previousLevel: d.previousLevel,
      level: d.level,
      state: d.state,
      attempts: d.attempts,
      createdAt: new Date(d.createdAt).toISOString(),
      doneAt: d.doneAt === null ? null : new Date(d.doneAt).toISOString(),
      lastStatus: d.lastStatus,
      lastError: d.lastError,
    })),
  };
}

export function subscriptionView(
  s: SubscriptionRow,
  deliveries: readonly DeliveryRow[],
  catalog: Catalog,
  options: {
    now: number;
    manageUrl: string | null;
    token: string;
    secret: string | null;
    notice: { text: string; tone: 'ok' | 'warn' } | null;
    /** Whether this node can send a test event. */
    testEvents: boolean;
    confirmation: ConfirmationState | null;
  },
) {
  const names = (slugs: readonly string[] | null, of: (slug: string) => string | undefined, all: string) =>
    slugs ? slugs.map((slug) => of(slug) ?? slug).join(', ') : all;
  const state =
    s.state === 'pending_confirmation'
      ? WAITING[options.confirmation ?? 'pending']
      : s.state === 'paused'
        ? 'Paused'
        : 'Active';
  return {
    heading: `Your ${CHANNEL_LABELS[s.channel].split(' (')[0]} subscription`,
    notice: options.notice,
    secret: options.secret,
    manageUrl: options.manageUrl,
    facts: [
      { label: 'State', value: state },
      { label: 'Sends to', value: shownTarget(s) },
      { label: 'Providers', value: names(s.providers, (p) => catalog.providerBySlug.get(p)?.name, 'All providers') },
      { label: 'Components', value: s.components ? s.components.join(', ') : 'Any' },
      { label: 'Errors', value: names(s.errors, (e) => catalog.errorTypeBySlug.get(e)?.shortTitle, 'Any') },
      { label: 'Minimum level', value: s.minLevel ? LEVEL_LABELS[s.minLevel] : 'Any change' },
      ...(s.dropped > 0 ? [{ label: 'Given up', value: `${s.dropped} notifications after a day of retries` }] : []),
    ],
    paused: s.state === 'paused' ? (s.pauseReason ?? 'Deliveries kept failing.') : null,
    resumeAction: `/subscriptions/${options.token}/resume`,
    testAction: s.state === 'active' && options.testEvents ? `/subscriptions/${options.token}/test` : null,
    testIntro: !options.testEvents
      ? 'This server cannot send test events.'
      : s.state === 'active'
        ? `Sends one signed event marked "test" to ${shownTarget(s)} now, through the same code as real events, and ` +
          'shows what the receiver answered. Nothing is stored.'
        : s.state === 'paused'
          ? 'Resume deliveries first: a paused subscription gets no test events.'
          : 'Confirm the address first: nothing is sent to it before that.',
    unsubscribeAction: `/subscriptions/${options.token}/unsubscribe`,
    deliveries: deliveries.map((d) => ({
      what: `${EVENT_WORDS[d.type as EventType] ?? d.type}: ${d.title}`,
      change:
        d.previousLevel === d.level
          ? `${LEVEL_LABELS[d.level]} (unchanged)`
          : `${LEVEL_LABELS[d.previousLevel]} → ${LEVEL_LABELS[d.level]}`,
      created: { t: timeView(d.createdAt, options.now) },
      outcome: outcome(d, options.now),
    })),
  };
}
