// The verdict of an error page: is this error most likely on the visitor's side or the provider's, and why.
import { LEVEL_LABELS, VERDICT_LABELS, type Level, type Verdict } from '../domain.ts';
import type { ErrorType } from '../catalog/schema.ts';
import { formatUtc } from '../time.ts';
import type { CommunityView } from './community.ts';
import type { ProviderStatus, Reason } from './types.ts';

export type IncidentLike = {
  title: string;
  kind: 'incident' | 'maintenance';
  startedAt: number;
  updates: readonly { body: string }[];
  components: readonly { name: string }[];
};

export type VerdictView = { verdict: Verdict; label: string; text: string; evidence: Reason[] };

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
 * Whether an incident or maintenance counts as the provider's side of this error: its words match the error's
 * keywords, or it is an incident and the error is usually the provider's (any API trouble causes it).
 */
export function incidentCounts(errorType: CountingRule, incident: IncidentLike): boolean {
  return (
    incidentMatches(incident, errorType.incidentKeywords) ||
    (errorType.usualSide === 'provider' && incident.kind === 'incident')
  );
}

/**
 * Whether a change of the API's level counts for this error: the error is usually the provider's, or the probe
 * drives the level and probe trouble counts for it, or the level's reasons speak of the error's words.
 */
export function levelChangeCounts(errorType: CountingRule, reasons: readonly Reason[]): boolean {
  if (errorType.usualSide === 'provider') return true;
  if (errorType.probeTroubleCounts && reasons.some((r) => r.signal === 'probe' && r.level !== null)) return true;
  return reasons.some((r) => hasKeyword(r.text, errorType.incidentKeywords));
}

export type VerdictInput = {
  providerName: string;
  errorType: Pick<ErrorType, 'category' | 'incidentKeywords' | 'usualSide' | 'probeProves' | 'probeTroubleCounts'>;
  /** The error type's verdict texts with the provider's placeholders filled in. */
  texts: { yourSide: string; quiet: string; probeHealthy?: string };
  status: ProviderStatus;
  /** Open official incidents and active maintenances. */
  openIncidents: readonly IncidentLike[];
  /** Components as the official page lists them (ignored unless the official signal is fresh). */
  components: readonly { name: string; level: Level }[];
  /** Community reports of this error's category. */
  community: CommunityView;
};

/** What on the provider's side can cause this error right now, one reason per piece of evidence. */
function providerEvidence(input: VerdictInput): Reason[] {
  const { providerName: name, errorType, status } = input;
  const probe = status.signals.probe;
  const official = status.signals.official;
  const any = errorType.usualSide === 'provider';
  const evidence: Reason[] = [];

  if (errorType.probeTroubleCounts && probe.state === 'fresh' && probe.level !== 'operational') {
    evidence.push(...probe.reasons.filter((r) => r.level !== null));
  }
  if (official.state === 'fresh') {
    for (const incident of input.openIncidents) {
      if (!incidentCounts(errorType, incident)) continue;
      const what = incident.kind === 'incident' ? 'reports an open incident' : 'has maintenance in progress';
      evidence.push({
        signal: 'official',
        level: null,
        text: `${name} ${what}: ${incident.title} (since ${formatUtc(incident.startedAt)}).`,
        at: incident.startedAt,
      });
    }
    for (const c of input.components) {
      if (c.level === 'operational' || c.level === 'unknown') continue;
      if (!any && !hasKeyword(c.name, errorType.incidentKeywords)) continue;
      evidence.push({
        signal: 'official',
        level: c.level,
        text: `${name}'s status page lists ${c.name} as ${LEVEL_LABELS[c.level]}.`,
        at: official.okAt,
      });
    }
  }
  if (input.community.spike) {
    evidence.push({
      signal: 'community',
      level: 'degraded',
      text: `Users report this error now: ${input.community.sentence}`,
      at: input.community.lastReportAt,
    });
  }
  return evidence;
}

export function decideVerdict(input: VerdictInput): VerdictView {
  const { providerName: name, errorType, status, texts } = input;
  const probe = status.signals.probe;
  const official = status.signals.official;
  const view = (verdict: Verdict, text: string, evidence: Reason[]): VerdictView => ({
    verdict,
    label: VERDICT_LABELS[verdict],
    text,
    evidence,
  });

  const subject = errorType.category === 'auth' ? `${name}'s authentication service` : `${name}'s API`;
  const theirSide = providerEvidence(input);
  if (theirSide.length > 0) {
    const probeTrouble = errorType.probeProves && theirSide.some((r) => r.signal === 'probe');
    const what = probe.level === 'degraded' ? 'is answering far more slowly than usual' : 'is not answering normally';
    const text = probeTrouble
      ? `${subject} ${what}: the problem is most likely on ${name}'s side, not ${texts.yourSide}. Waiting or retrying later is likely to help more than changing your setup.`
      : `${name} shows trouble that can cause this error: waiting or retrying later is likely to help more than changing your setup.`;
    return view('provider_side', text, theirSide);
  }
  const probeHealthy = probe.state === 'fresh' && probe.level === 'operational';
  if (errorType.probeProves && probeHealthy) {
    // Only an answer in the usual form on the latest attempt shows the service answering normally now.
    if (probe.okAt !== null && probe.okAt === probe.checkedAt) {
      const healthy = texts.probeHealthy ?? `${name}'s API answers our live probe normally`;
      return view('your_side', `${healthy}: the problem is most likely ${texts.yourSide}.`, probe.reasons);
    }
    return view(
      'inconclusive',
      `${subject} did not answer our latest probe in its usual way. One unusual result is not enough to blame ${name}; the next probe will confirm or clear it, so check ${texts.yourSide} meanwhile.`,
      probe.reasons,
    );
  }
  // A fresh official page with no related incident (or a healthy probe) is enough when this error is usually ours.
  if (errorType.usualSide === 'yours' && (official.state === 'fresh' || probeHealthy)) {
    const checked = [
      official.state === 'fresh' ? 'its status page lists no related incident' : null,
      probeHealthy ? 'our live probe gets its normal answer' : null,
    ]
      .filter((part) => part !== null)
      .join(' and ');
    const evidence = [official, probe].filter((r) => r.state === 'fresh').flatMap((r) => r.reasons);
    return view(
      'your_side',
      `Nothing on ${name}'s side points to this error right now: ${checked}. The problem is most likely ${texts.yourSide}.`,
      evidence,
    );
  }
  const fresh = [official, probe].filter((r) => r.state === 'fresh');
  if (fresh.length === 0) {
    return view(
      'inconclusive',
      `We have no fresh evidence about ${name} right now, so we cannot tell whose side this error is on. Work through the fixes below.`,
      [official, probe].flatMap((r) => r.reasons),
    );
  }
  return view(
    'inconclusive',
    texts.quiet,
    fresh.flatMap((r) => r.reasons),
  );
}
