// The verdict of an error page: is this error most likely on the visitor's side or the provider's, and why.
import {
  LEVEL_LABELS,
  VERDICT_LABELS,
  type ComponentScope,
  type Level,
  type ReportCategory,
  type Verdict,
} from '../domain.ts';
import type { ErrorType } from '../catalog/schema.ts';
import { formatUtc, MINUTE_MS } from '../time.ts';
import type { Assessment } from './assess.ts';
import { categoryPhrase, summariseCommunity, type CommunityView } from './community.ts';
import { answerIsItDown, type DownAnswer } from './down-answer.ts';
import type { ProviderStatus, Reason } from './types.ts';

export type IncidentLike = {
  title: string;
  kind: 'incident' | 'maintenance';
  startedAt: number;
  updates: readonly { body: string }[];
  components: readonly { name: string }[];
  /** Whom it concerns (see scope.ts); an incident without one may concern the API. */
  scope?: ComponentScope;
};

/** Whether waiting for the provider is likely to help, as the page's "Will waiting help?" says. */
export type Waiting = 'helps' | 'wontHelp' | null;

export type VerdictView = {
  verdict: Verdict;
  label: string;
  text: string;
  /** The evidence behind the verdict, and what it outweighed. */
  evidence: Reason[];
  waiting: Waiting;
  /** The API's answer to "is it down?", which the verdict never contradicts. */
  down: DownAnswer;
};

const WAITING: Record<Verdict, Waiting> = { provider_side: 'helps', your_side: 'wontHelp', inconclusive: null };

const hasKeyword = (text: string, keywords: readonly string[]): boolean => {
  const haystack = text.toLowerCase();
  return keywords.some((word) => haystack.includes(word.toLowerCase()));
};

/** Whether an open incident concerns this error, by the error type's keywords in its title, updates or components. */
export function incidentMatches(incident: IncidentLike, keywords: readonly string[]): boolean {
  return hasKeyword(
    [incident.title, ...incident.updates.map((u) => u.body), ...incident.components.map((c) => c.name)].join('\n'),
    keywords,
  );
}

type CountingRule = Pick<ErrorType, 'incidentKeywords' | 'usualSide' | 'probeTroubleCounts'>;

/**
 * Whether an incident or maintenance counts as the provider's side of this error: it concerns the API (products
 * never count), and the error is not usually the visitor's (any API trouble counts) or its words match the error's.
 */
export function incidentCounts(errorType: CountingRule, incident: IncidentLike): boolean {
  if ((incident.scope ?? 'api') !== 'api') return false;
  return errorType.usualSide !== 'yours' || incidentMatches(incident, errorType.incidentKeywords);
}

/**
 * Whether a change of the API's level counts for this error: the error is not usually the visitor's (any API
 * trouble counts), or the probe drives the level and probe trouble counts for it, or the level's reasons speak of
 * the error's words.
 */
export function levelChangeCounts(errorType: CountingRule, reasons: readonly Reason[]): boolean {
  if (errorType.usualSide !== 'yours') return true;
  if (errorType.probeTroubleCounts && reasons.some((r) => r.signal === 'probe' && r.level !== null)) return true;
  return reasons.some((r) => hasKeyword(r.text, errorType.incidentKeywords));
}

export type VerdictInput = {
  providerName: string;
  errorType: Pick<ErrorType, 'category' | 'incidentKeywords' | 'usualSide' | 'probeProves' | 'probeTroubleCounts'>;
  /** The error type's verdict texts with the provider's placeholders filled in. */
  texts: { yourSide: string; quiet: string; probeHealthy?: string };
  /** The API's headline. */
  status: ProviderStatus;
  /** Open official incidents and active maintenances. */
  openIncidents: readonly IncidentLike[];
  /** Components as the official page lists them (ignored unless the official signal is fresh). */
  components: readonly { name: string; level: Level; scope?: ComponentScope }[];
  /** Community reports of this error's category. */
  community: CommunityView;
};

type Evidence = { reason: Reason; byWordsOnly: boolean };

/**
 * What on the API's side can cause this error right now. Products never count. An error usually on the provider's
 * side counts any API trouble; one usually on the visitor's side only trouble whose words match its keywords.
 */
function providerEvidence(input: VerdictInput): Evidence[] {
  const { providerName: name, errorType, status } = input;
  const probe = status.signals.probe;
  const official = status.signals.official;
  const anyTrouble = errorType.usualSide !== 'yours';
  const evidence: Evidence[] = [];

  if (errorType.probeTroubleCounts && probe.state === 'fresh' && probe.level !== 'operational') {
    for (const r of probe.reasons.filter((x) => x.level !== null)) evidence.push({ reason: r, byWordsOnly: false });
  }
  if (official.state === 'fresh') {
    for (const incident of input.openIncidents) {
      if (!incidentCounts(errorType, incident)) continue;
      const what = incident.kind === 'incident' ? 'reports an open incident' : 'has maintenance in progress';
      evidence.push({
        reason: {
          signal: 'official',
          level: null,
          text: `${name} ${what}: ${incident.title} (since ${formatUtc(incident.startedAt)}).`,
          at: incident.startedAt,
        },
        byWordsOnly: !anyTrouble,
      });
    }
    for (const c of input.components) {
      if (c.level === 'operational' || c.level === 'unknown' || (c.scope ?? 'api') !== 'api') continue;
      if (!anyTrouble && !hasKeyword(c.name, errorType.incidentKeywords)) continue;
      evidence.push({
        reason: {
          signal: 'official',
          level: c.level,
          text: `${name}'s status page lists ${c.name} as ${LEVEL_LABELS[c.level]}.`,
          at: official.okAt,
        },
        byWordsOnly: !anyTrouble,
      });
    }
  }
  if (input.community.spike) {
    evidence.push({
      reason: {
        signal: 'community',
        level: 'degraded',
        text: `Users report this error now: ${input.community.sentence}`,
        at: input.community.lastReportAt,
      },
      byWordsOnly: false,
    });
  }
  return evidence;
}

/** "12 developers on 12 networks reported authentication errors in 30 minutes". */
function reportedInNumbers(input: VerdictInput): string {
  const c = input.community;
  const what = c.byCategory[0] ? categoryPhrase(c.byCategory[0].category) : 'problems';
  return (
    `${c.recent} developer${c.recent === 1 ? '' : 's'} on ${c.allocations} network${c.allocations === 1 ? '' : 's'} ` +
    `reported ${what} in ${Math.round(c.windowMs / MINUTE_MS)} minutes`
  );
}

/** The verdict's evidence in one clause, numbers included: what the first reason behind it saw. */
function evidenceClause(input: VerdictInput, first: Reason): string {
  if (first.signal === 'community') return reportedInNumbers(input);
  return first.text.replace(/\.$/, '');
}

/** The latest probe got the provider's normal rejection: its authentication answers now. */
const probeAnswersNow = (status: ProviderStatus): boolean => {
  const probe = status.signals.probe;
  return (
    probe.state === 'fresh' && probe.level === 'operational' && probe.okAt !== null && probe.okAt === probe.checkedAt
  );
};

export function decideVerdict(input: VerdictInput): VerdictView {
  const { providerName: name, errorType, status, texts } = input;
  const probe = status.signals.probe;
  const official = status.signals.official;
  const down = answerIsItDown(name, status).answer;
  const view = (verdict: Verdict, text: string, evidence: Reason[]): VerdictView => ({
    verdict,
    label: VERDICT_LABELS[verdict],
    text,
    evidence,
    waiting: WAITING[verdict],
    down,
  });
  const otherTrouble =
    status.level !== 'operational' && status.level !== 'unknown'
      ? ` ${name}'s API shows other trouble right now (${LEVEL_LABELS[status.level]}),` +
        ' which does not explain this error.'
      : '';

  const subject = errorType.category === 'auth' ? `${name}'s authentication service` : `${name}'s API`;
  const all = providerEvidence(input);
  // A normal answer to our probe now shows the service this error is about working: it outweighs mere words.
  const outweighed = errorType.probeProves && probeAnswersNow(status) ? all.filter((e) => e.byWordsOnly) : [];
  const theirSide = all.filter((e) => !outweighed.includes(e)).map((e) => e.reason);
  const notes: Reason[] = outweighed.map((e) => ({
    ...e.reason,
    text: `${e.reason.text} Our live probe's normal answer outweighs it.`,
  }));

  if (theirSide.length > 0) {
    const probeTrouble = errorType.probeProves && theirSide.some((r) => r.signal === 'probe');
    const what = probe.level === 'degraded' ? 'is answering far more slowly than usual' : 'is not answering normally';
    if (down === 'no' || down === 'unknown') {
      // Evidence that the API headline does not carry (reports of this error alone, an incident of no impact).
      return view(
        'inconclusive',
        `There are signs of trouble with this error at ${name}, but not enough to blame ${name}: ` +
          `check ${texts.yourSide} while the next checks confirm or clear it.`,
        [...theirSide, ...status.reasons.filter((r) => r.level === 'operational')],
      );
    }
    const text = probeTrouble
      ? `${subject} ${what}: the problem is most likely on ${name}'s side, not ${texts.yourSide}. Waiting or ` +
        `retrying later is likely to help more than changing your setup.`
      : `${evidenceClause(input, theirSide[0]!)}: the problem is most likely on ${name}'s side, not ` +
        `${texts.yourSide}. Waiting or retrying later is likely to help more than changing your setup.`;
    return view('provider_side', text, theirSide);
  }
  const probeHealthy = probe.state === 'fresh' && probe.level === 'operational';
  if (errorType.probeProves && probeHealthy) {
    // Only an answer in the usual form on the latest attempt shows the service answering normally now.
    if (probeAnswersNow(status)) {
      const healthy = texts.probeHealthy ?? `${name}'s API answers our live probe normally`;
      return view('your_side', `${healthy}: the problem is most likely ${texts.yourSide}.${otherTrouble}`, [
        ...probe.reasons,
        ...notes,
      ]);
    }
    return view(
      'inconclusive',
      `${subject} did not answer our latest probe in its usual way. One unusual result is not enough to blame ` +
        `${name}; the next probe will confirm or clear it, so check ${texts.yourSide} meanwhile.`,
      probe.reasons,
    );
  }
  // A fresh official page with no related incident (or a healthy probe) is enough when this error is usually ours.
  if (errorType.usualSide === 'yours' && (official.state === 'fresh' || probeHealthy)) {
    const checked = [
      official.state === 'fresh' ? 'its status page lists no related incident on the API' : null,
      probeHealthy ? 'our live probe gets its normal answer' : null,
    ]
      .filter((part) => part !== null)
      .join(' and ');
    const evidence = [official, probe].filter((r) => r.state === 'fresh').flatMap((r) => r.reasons);
    return view(
      'your_side',
      `Nothing on ${name}'s side points to this error right now: ${checked}. The problem is most likely ` +
        `${texts.yourSide}.${otherTrouble}`,
      evidence,
    );
  }
  const fresh = [official, probe].filter((r) => r.state === 'fresh');
  if (fresh.length === 0) {
    return view(
      'inconclusive',
      `We have no fresh evidence about ${name} right now, so we cannot tell whose side this error is on. Work ` +
        `through the fixes below.`,
      [official, probe].flatMap((r) => r.reasons),
    );
  }
  return view(
    'inconclusive',
    texts.quiet,
    fresh.flatMap((r) => r.reasons),
  );
}

export type ErrorAssessment = VerdictView & {
  /** The API's level, which the error page heads with. */
  level: Level;
  levelLabel: string;
};

/** The community summary of one report category, from the buckets and reporters the assessment read. */
export const categoryCommunity = (assessment: Assessment, category: ReportCategory): CommunityView =>
  summariseCommunity(assessment.buckets, assessment.now, category, assessment.reporters);

/** The verdict for one error type from the provider's assessment: what error pages and their JSON show. */
export function assessError(
  assessment: Assessment,
  input: Pick<VerdictInput, 'providerName' | 'errorType' | 'texts'> & {
    /** The error category's community summary, when the caller already has it. */
    community?: CommunityView;
  },
): ErrorAssessment {
  const { community, ...rest } = input;
  const verdict = decideVerdict({
    ...rest,
    status: assessment.api,
    openIncidents: assessment.openIncidents,
    components: assessment.api.signals.official.state === 'fresh' ? (assessment.components ?? []) : [],
    community: community ?? categoryCommunity(assessment, input.errorType.category),
  });
  return { ...verdict, level: assessment.api.level, levelLabel: assessment.api.label };
}
