// "Is it down?": a direct answer from the headline, never "No" without fresh data, never "Yes" without evidence.
import type { Level } from '../domain.ts';
import type { ProviderStatus, Reason } from './types.ts';

export const DOWN_ANSWERS = ['yes', 'partly', 'no', 'unknown'] as const;
export type DownAnswer = (typeof DOWN_ANSWERS)[number];

export const DOWN_ANSWER_LABELS: Record<DownAnswer, string> = {
  yes: 'Yes',
  partly: 'Partly',
  no: 'No',
  unknown: "We can't tell right now",
};

/** The answer each headline level gives, when the evidence behind it holds. */
export const ANSWER_OF_LEVEL: Record<Level, DownAnswer> = {
  operational: 'no',
  maintenance: 'partly',
  degraded: 'partly',
  partial_outage: 'partly',
  major_outage: 'yes',
  unknown: 'unknown',
};

const PARTLY_WORDS: Partial<Record<Level, string>> = {
  maintenance: 'is under maintenance',
  degraded: 'is up but degraded',
  partial_outage: 'is partly down',
};

export type DownAnswerView = { answer: DownAnswer; label: string; sentence: string; evidence: Reason[] };

/** Reasons from fresh signals that support `level`. */
function support(status: ProviderStatus, level: Level): Reason[] {
  return status.reasons.filter(
    (r) => r.level === level && r.signal !== null && status.signals[r.signal].state === 'fresh',
  );
}

export function answerIsItDown(name: string, status: ProviderStatus): DownAnswerView {
  const answer = ANSWER_OF_LEVEL[status.level];
  const view = (a: DownAnswer, sentence: string, evidence: Reason[]): DownAnswerView => ({
    answer: a,
    label: DOWN_ANSWER_LABELS[a],
    sentence,
    evidence,
  });
  const unknown = () =>
    view(
      'unknown',
      `We have no fresh evidence about ${name} right now, so we cannot say whether it is down. ${status.summary}`,
      status.reasons,
    );

  if (answer === 'no') {
    const provers = [status.signals.official, status.signals.probe].filter(
      (r) => r.state === 'fresh' && r.level === 'operational',
    );
    if (provers.length === 0) return unknown();
    return view(
      'no',
      `${name} is up: ${provers.map((r) => r.summary.replace(/\.$/, '')).join('; ')}.`,
      provers.flatMap((r) => r.reasons),
    );
  }
  if (answer === 'unknown') return unknown();
  const evidence = support(status, status.level);
  if (evidence.length === 0) return unknown();
  if (answer === 'yes') return view('yes', `${name} has a major outage: ${evidence[0]!.text}`, evidence);
  // Reports alone show that people have trouble, not that the service is up.
  const words = evidence.every((r) => r.signal === 'community')
    ? 'may be partly down'
    : (PARTLY_WORDS[status.level] ?? 'is partly down');
  return view('partly', `${name} ${words}: ${evidence[0]!.text}`, evidence);
}
