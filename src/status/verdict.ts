// The verdict of an error page: is this error most likely on the visitor's side or the provider's, and why.
import { VERDICT_LABELS, type Verdict } from '../domain.ts';
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

/** Whether an open incident concerns this error, by the error type's keywords in its title, updates or components. */
export function incidentMatches(incident: IncidentLike, keywords: readonly string[]): boolean {
  const haystack = [incident.title, ...incident.updates.map((u) => u.body), ...incident.components.map((c) => c.name)]
    .join('\n')
    .toLowerCase();
  return keywords.some((word) => haystack.includes(word.toLowerCase()));
}

export type VerdictInput = {
  providerName: string;
  errorType: Pick<ErrorType, 'shortTitle' | 'incidentKeywords' | 'usualSide' | 'probeProves'>;
  status: ProviderStatus;
  openIncidents: readonly IncidentLike[];
  /** Community reports of this error's category. */
  community: CommunityView;
};

export function decideVerdict(input: VerdictInput): VerdictView {
  const { providerName: name, errorType, status } = input;
  const probe = status.signals.probe;
  const official = status.signals.official;
  const theirSide: Reason[] = [];

  const probeSpeaks = errorType.probeProves || errorType.usualSide === 'provider';
  if (probeSpeaks && probe.state === 'fresh' && probe.level !== 'operational') theirSide.push(...probe.reasons.filter((r) => r.level !== null));
  if (official.state === 'fresh') {
    for (const incident of input.openIncidents) {
      if (incident.kind !== 'incident') continue;
      const relevant = errorType.usualSide === 'provider' || incidentMatches(incident, errorType.incidentKeywords);
      if (relevant) {
        theirSide.push({ signal: 'official', level: null, text: `${name} reports an open incident: ${incident.title} (since ${formatUtc(incident.startedAt)}).`, at: incident.startedAt });
      }
    }
  }
  if (input.community.spike) {
    theirSide.push({ signal: 'community', level: 'degraded', text: `Users report this error now: ${input.community.sentence}`, at: input.community.lastReportAt });
  }

  const view = (verdict: Verdict, text: string, evidence: Reason[]): VerdictView => ({ verdict, label: VERDICT_LABELS[verdict], text, evidence });

  if (theirSide.length > 0) {
    const probeTrouble = errorType.probeProves && theirSide.some((r) => r.signal === 'probe');
    const what = probe.level === 'degraded' ? 'is answering far more slowly than usual' : 'is not answering normally';
    const text = probeTrouble
      ? `${name}'s authentication service ${what}: the problem is most likely on ${name}'s side, not your key or configuration. Waiting or retrying later is likely to help more than changing your setup.`
      : `${name} shows trouble that can cause this error: waiting or retrying later is likely to help more than changing your setup.`;
    return view('provider_side', text, theirSide);
  }
  if (errorType.probeProves && probe.state === 'fresh' && probe.level === 'operational') {
    // Only an answer in the usual form on the latest attempt shows the service answering normally now.
    if (probe.okAt !== null && probe.okAt === probe.checkedAt) {
      return view('your_side', `${name}'s authentication service is answering normally: the problem is most likely your key or configuration.`, probe.reasons);
    }
    return view('inconclusive', `${name}'s authentication service did not answer our latest probe in its usual way. One unusual result is not enough to blame ${name}; the next probe will confirm or clear it, so check your key and configuration meanwhile.`, probe.reasons);
  }
  if (errorType.usualSide === 'yours' && official.state === 'fresh' && official.level === 'operational') {
    return view('your_side', `Nothing on ${name}'s side points to this error: its status page is up to date and lists no related incident. The problem is most likely your key or configuration.`, official.reasons);
  }
  const fresh = [official, probe].filter((r) => r.state === 'fresh');
  if (fresh.length === 0) {
    return view('inconclusive', `We have no fresh evidence about ${name} right now, so we cannot tell whose side this error is on. Work through the fixes below.`, [official, probe].flatMap((r) => r.reasons));
  }
  return view('inconclusive', `${name} shows no sign of trouble related to this error right now, but this kind of error can come from either side.`, fresh.flatMap((r) => r.reasons));
}
