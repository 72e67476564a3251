// `/methodology`: how a status, a verdict and a diagnosis are decided, written from the constants the code uses
// (route and view model).
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../http/deps.ts';
import { CATALOG_ONLY, pageTemplate } from '../http/render.ts';
import type { Crumb } from '../http/structured-data.ts';
import type { Catalog } from '../../catalog/load.ts';
import type { Config } from '../../config.ts';
import { KEY_PREFIXES, REDACTION_RULES } from '../../diagnose/redact.ts';
import { MAX_PASTE_CHARS } from '../../diagnose/match.ts';
import { IMPACTS, LEVEL_LABELS, LEVELS, REPORT_CATEGORY_LABELS } from '../../domain.ts';
import {
  COMMUNITY_BASELINE_DAYS,
  COMMUNITY_BASELINE_FLOOR,
  COMMUNITY_BUCKET_MS,
  COMMUNITY_SPIKE_MIN_REPORTS,
  COMMUNITY_SPIKE_MULTIPLE,
  COMMUNITY_WINDOW_MS,
} from '../../status/community.ts';
import { ANSWER_OF_LEVEL, DOWN_ANSWER_LABELS } from '../../status/down-answer.ts';
import { staleAfterMs, STALE_AFTER_INTERVALS } from '../../status/freshness.ts';
import { levelOfImpact } from '../../status/levels.ts';
import {
  LOCAL_FAULT_MIN_PROVIDERS,
  LOCAL_FAULT_SHARE,
  PROBE_FAILURES_TO_CONFIRM,
  PROBE_SLOW_TO_CONFIRM,
  PROBE_SUCCESSES_TO_CLEAR,
} from '../../status/probe.ts';
import { COMPONENT_CONFIRM_POLLS } from '../../status/damping.ts';
import { ACCOUNTABILITY_WINDOW_MS } from '../../status/accountability.ts';
import { DETECTION_INTERVAL_MS } from '../../status/detection.ts';
import { CORRELATION_MIN_PROVIDERS, CORRELATION_WINDOW_MS } from '../../status/correlation.ts';
import { HISTORY_MAX_GAP_MS, HISTORY_RETENTION_DAYS, HISTORY_SAMPLE_MS } from '../../status/history.ts';
import { UPTIME_DEFINITION } from '../blocks/history.ts';
import { MODEL_MIN_ALLOCATIONS, MODEL_RECENT_MS, MODEL_TOP } from '../../status/models.ts';
import { DAY_MS, formatDuration, HOUR_MS, MINUTE_MS } from '../../time.ts';
import { INCIDENT_WINDOW_MS, PROBE_WINDOW_MS } from '../../assessment/signals.ts';
import { PAGE_REFRESH_MS } from '../http/render-cache.ts';

export type MethodTable = { caption: string; head: string[]; rows: { text: string; href: string | null }[][] };
export type MethodSection = {
  id: string;
  heading: string;
  paragraphs: string[];
  list: string[];
  table: MethodTable | null;
};

export type MethodologyView = { breadcrumbs: Crumb[]; title: string; description: string; sections: MethodSection[] };

const cell = (text: string, href: string | null = null) => ({ text, href });

const USUAL_SIDE: Record<'yours' | 'provider' | 'either', string> = {
  yours: 'Usually yours',
  provider: "Usually the provider's",
  either: 'Either',
};

const percent = (share: number) => `${Math.round(share * 100)}%`;

export function methodologyView(config: Config, catalog: Catalog): MethodologyView {
  const poll = formatDuration(config.pollIntervalMs);
  const probe = formatDuration(config.probeIntervalMs);
  const section = (
    id: string,
    heading: string,
    paragraphs: string[],
    list: string[] = [],
    table: MethodTable | null = null,
  ): MethodSection => ({ id, heading, paragraphs, list, table });
  const impacts: MethodTable = {
    caption: 'Incident impact → level',
    head: ['Declared impact', 'Level'],
    rows: IMPACTS.map((impact) => [cell(impact), cell(LEVEL_LABELS[levelOfImpact(impact)])]),
  };
  const errorTypes: MethodTable = {
    caption: 'Error types',
    head: ['Error', 'Usual side', 'Live probe'],
    rows: catalog.errorTypes.map((e) => [
      cell(e.title, `/errors/${e.slug}`),
      cell(USUAL_SIDE[e.usualSide]),
      cell(
        [
          e.probeProves ? 'a normal answer points to your side' : null,
          e.probeTroubleCounts ? 'failures point to the provider' : null,
        ]
          .filter((part) => part !== null)
          .join('; ') || 'not relevant',
      ),
    ]),
  };
  const answers: MethodTable = {
    caption: 'Status → answer',
    head: ['Status', 'Is it down?'],
    rows: LEVELS.map((level) => [cell(LEVEL_LABELS[level]), cell(DOWN_ANSWER_LABELS[ANSWER_OF_LEVEL[level]])]),
  };
  return {
    breadcrumbs: [
      { name: 'All providers', path: '/' },
      { name: 'Methodology', path: '/methodology' },
    ],
    title: 'How we decide a status: methodology',
    description:
      'How the status of each AI API provider, the verdict on each error and the diagnosis of a pasted error ' +
      'are decided, with the exact intervals and thresholds the site uses.',
    sections: [
      section('signals', 'Three signals, each with its age', [
        `Official: we read each provider's own status page every ${poll} and keep its components, incidents ` +
          `and maintenances. A component's level changes only after ${COMPONENT_CONFIRM_POLLS} polls in a row ` +
          `agree, so one odd reading does not flip the page.`,
        `Live probe: every ${probe} we call the provider's API with a deliberately invalid key. A quick, ` +
          `well-formed rejection in the provider's usual format means its API is up and checking keys. No real ` +
          `key is ever used.`,
        `Community: visitors report what fails for them. Reports are counted in ` +
          `${formatDuration(COMMUNITY_BUCKET_MS)} buckets and compared with the same time of day over the ` +
          `previous ${COMMUNITY_BASELINE_DAYS} days.`,
      ]),
      section('freshness', 'Fresh or stale', [
        `A signal is fresh while its last successful reading is younger than ${STALE_AFTER_INTERVALS} of its ` +
          `intervals: ${formatDuration(staleAfterMs(config.pollIntervalMs))} for the status page, ` +
          `${formatDuration(staleAfterMs(config.probeIntervalMs))} for the probe. A stale signal is shown with ` +
          `its age but never decides the status.`,
        'When no signal is fresh, the status is Unknown, and the page says what we last saw and when. A ' +
          'provider without an official status page says so; it is never shown as Operational on that account.',
      ]),
      section(
        'headline',
        'The status',
        [
          'The status is the worst level that a fresh signal supports, and it always lists the reasons behind ' +
            'it: which signal, what it saw and when.',
          'It is the status of the API. Each component of a status page serves either the API or a product ' +
            '(apps, web chat, console, login); a product in trouble is shown beside the status, under products, ' +
            'and never moves it.',
          'Operational needs at least one fresh signal that can prove health (the status page or the probe) ' +
            'and every fresh signal healthy. Silence in community reports proves nothing.',
        ],
        [
          `Status page: the worst API component or open incident on the API. One API component in Major Outage ` +
            `among several is a Partial Outage; only every API component down makes it a Major Outage.`,
          `Probe: ${PROBE_FAILURES_TO_CONFIRM} failed probes in a row (errors, timeouts, wrong answers) make a ` +
            `Partial Outage; ${PROBE_SLOW_TO_CONFIRM} slow answers in a row make it Degraded; ` +
            `${PROBE_SUCCESSES_TO_CLEAR} normal answers in a row clear it.`,
          `Community: a spike needs at least ${COMMUNITY_SPIKE_MIN_REPORTS} reports from different people in ` +
            `the last ${formatDuration(COMMUNITY_WINDOW_MS)} and ${COMMUNITY_SPIKE_MULTIPLE} times the usual ` +
            `level (the usual level never counts as less than ${COMMUNITY_BASELINE_FLOOR}). Reports alone raise ` +
            `the status to Degraded at most.`,
          `Our own faults are not the provider's: when at least ${LOCAL_FAULT_MIN_PROVIDERS} providers and ` +
            `${percent(LOCAL_FAULT_SHARE)} of those probed fail the same network way at once, we suspend the ` +
            `probe signal instead of declaring outages.`,
        ],
        impacts,
      ),
      section(
        'verdict',
        'Your side or theirs: the verdict on an error page',
        [
          'Each error page weighs the evidence that matters for that error: a failing probe, an incident or a ' +
            'component in trouble on the API (for errors usually on your side, only when its words concern this ' +
            'error), and a spike of community reports in its category. Products never count.',
          'For the authentication error, a probe whose latest invalid key got the normal rejection outweighs ' +
            'an incident that concerns it only by its words.',
          'Such evidence makes the verdict "Likely on the provider\'s side" when the API is at least partly ' +
            'down; otherwise it is "Inconclusive", so the verdict, "Will waiting help?" and "Is it down?" never ' +
            'contradict each other. For errors that are usually yours, a fresh status page with no related ' +
            'incident on the API, or a probe that gets its normal answer, makes it "Likely on your side". ' +
            'Without fresh evidence the verdict is "Inconclusive" and says why.',
        ],
        [],
        errorTypes,
      ),
      section(
        'is-it-down',
        'Is it down?',
        [
          'The answer on each "Is it down?" page comes from the same status: never No without a fresh healthy ' +
            'signal, never Yes without evidence from a fresh signal.',
        ],
        [],
        answers,
      ),
      section('together', 'Several providers at once', [
        `When ${CORRELATION_MIN_PROVIDERS} or more providers turn Degraded or worse within ` +
          `${formatDuration(CORRELATION_WINDOW_MS)} of one another, the home page and each of their pages say ` +
          `so and link the others: a shared cloud or network is the likely cause.`,
        "A provider's trouble starts with the earliest fresh signal that holds it at Degraded or worse: the " +
          'first failing (or slow) probe of the confirmed run, the change of an API component or the start of an ' +
          `open incident, the first ${formatDuration(COMMUNITY_BUCKET_MS)} bucket of a report spike. A ` +
          'component already in trouble when we first read its page has no known start and joins no group.',
        `A provider belongs to a group when some ${formatDuration(CORRELATION_WINDOW_MS)} window holds its ` +
          `start and those of at least ${CORRELATION_MIN_PROVIDERS - 1} others; members whose starts follow one ` +
          `another within ${formatDuration(CORRELATION_WINDOW_MS)} form one group, dated by its first start. ` +
          'A provider that recovers leaves its group, and a group left with too few members is gone.',
        'While our own probes fail the same network way for most providers, that is our fault: the home page ' +
          'says so instead, and no group is drawn.',
      ]),
      section('history', 'The 90-day history', [
        `Every ${formatDuration(HISTORY_SAMPLE_MS)} the node running the jobs reads each provider's API level, as ` +
          "this page's rules give it, and each official component's level; the time since the previous reading " +
          'goes to the level that reading saw, split at midnight UTC.',
        `Two readings more than ${formatDuration(HISTORY_MAX_GAP_MS)} apart count nothing for the time between: ` +
          'those minutes are missing, never given to the last level seen. A day with nothing recorded reads ' +
          '"No data", never Operational.',
        `A day's level is the worst known level it spent time in. ${UPTIME_DEFINITION} ` +
          `Daily figures are kept ${HISTORY_RETENTION_DAYS} days.`,
      ]),
      section('models', 'Models in reports', [
        `Reports may name the model that failed. The dashboard and error pages show up to ${MODEL_TOP} models ` +
          `named in the last ${DAY_MS / HOUR_MS} hours, each with the number of networks (IPv6 /48s, IPv4 ` +
          `addresses) that named it then and in the last ${MODEL_RECENT_MS / MINUTE_MS} minutes, beside the ` +
          `median of the same hours on the previous ${COMMUNITY_BASELINE_DAYS} days.`,
        `A model shows only once ${MODEL_MIN_ALLOCATIONS} networks named it, so one reporter never looks like ` +
          'a trend. Names are compared without regard to case.',
      ]),
      section(
        'diagnose',
        'Paste-your-error diagnosis',
        [
          `The diagnosis reads up to ${MAX_PASTE_CHARS.toLocaleString('en-US')} characters. Before anything ` +
            `else, every part that looks like a secret is replaced with [redacted]; the key prefixes ` +
            `${KEY_PREFIXES.map((k) => `${k}…`).join(', ')} are kept because they are no secret and tell the ` +
            `provider.`,
          'The text is then compared with every signature in our error catalog: HTTP statuses, error codes and ' +
            "types, each provider's exact wording and its SDKs' exception names. Matches are ranked by how much " +
            'evidence they share with the text, and each one lists why. Nothing pasted is stored or logged, and ' +
            'the answer is never cached.',
        ],
        REDACTION_RULES.map((r) => `Redacted: ${r.kind}`),
      ),
      section(
        'detected',
        'Incidents we detect',
        [
          `Besides the provider's own incidents, we open incidents of our own, marked "Detected by us" in pages, ` +
            `feeds and the JSON (source "detected"). They are checked after every probe cycle and every ` +
            `${formatDuration(DETECTION_INTERVAL_MS)}.`,
          `Probes: when ${PROBE_FAILURES_TO_CONFIRM} probes in a row fail, an incident opens, starting at the ` +
            `first failed attempt of that run, with the failures as its evidence. It ends at the first normal ` +
            `answer of the run that clears it, once ${PROBE_SUCCESSES_TO_CLEAR} answers in a row came back.`,
          `Community: while reports spike (the rule above), an incident is open, starting at the beginning of the ` +
            `${formatDuration(COMMUNITY_WINDOW_MS)} window that spiked. Counts only change when a new ` +
            `${formatDuration(COMMUNITY_BUCKET_MS)} bucket starts, so it ends at the start of the first bucket ` +
            `without a spike.`,
          `Never for our own faults: a failure of the same network kind as a fault on our side (at least ` +
            `${LOCAL_FAULT_MIN_PROVIDERS} providers and ${percent(LOCAL_FAULT_SHARE)} of those probed failing that ` +
            `way at once) does not count towards an incident, and such a fault neither ends nor reopens one ` +
            `already open.`,
        ],
        [],
      ),
      section(
        'acknowledgement',
        'How late providers acknowledge trouble',
        [
          'For each official incident we look for a detected incident of ours that overlaps it in time. When ours ' +
            "started first, the acknowledgement lag is the time from our start to the provider's first post: the " +
            'start it published or its first update, whichever is earlier. A start the provider dated back counts ' +
            'as posted then, so a lag is never overstated.',
          `Over the last ${formatDuration(ACCOUNTABILITY_WINDOW_MS)}, each provider gets the median and worst lag, ` +
            'how many of its incidents we saw first, how many of ours it never acknowledged (no official ' +
            'incident overlaps them) and how many of its incidents we never saw. The ranking is on ' +
            '/accountability.',
        ],
        [],
      ),
      section('pages', 'Pages and data', [
        `Pages show incidents of the last ${formatDuration(INCIDENT_WINDOW_MS)} and probe results of the last ` +
          `${formatDuration(PROBE_WINDOW_MS)}. A page is rendered again whenever its data changes, and at least ` +
          `every ${formatDuration(PAGE_REFRESH_MS)} so that ages stay true.`,
        `Community report categories: ${Object.values(REPORT_CATEGORY_LABELS).join(', ')}.`,
      ]),
    ],
  };
}

const template = pageTemplate<MethodologyView>('methodology');

export async function methodologyPage(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const { catalog, config, pages } = deps;
  app.get('/methodology', async (request, reply) =>
    pages.serve(request, reply, 'page:/methodology', CATALOG_ONLY, () => {
      const view = methodologyView(config, catalog);
      const meta = {
        title: view.title,
        description: view.description,
        path: '/methodology',
        breadcrumbs: view.breadcrumbs,
      };
      return pages.html(template, meta, view);
    }),
  );
}
