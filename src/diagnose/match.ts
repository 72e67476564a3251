// The diagnosis: pasted text → ranked (provider, error type) matches with their reasons, from the catalog's
// signatures.
import type { Catalog } from '../catalog/load.ts';
import { errorTypesFor } from '../catalog/load.ts';
import type { ErrorType, Provider, Signature } from '../catalog/schema.ts';
import { extractFeatures, normalise, type Features } from './features.ts';
import { KEY_PREFIXES, redactSecrets } from './redact.ts';

/** The longest paste we read: a full error body and stack trace fit well within it. */
export const MAX_PASTE_CHARS = 20_000;

/** How much each kind of evidence weighs: exact codes and provider wording beat a bare status. */
export const WEIGHTS = {
  message: 6,
  exception: 6,
  code: 5,
  type: 4,
  label: 3,
  status: 3,
  exceptionClass: 2,
  host: 5,
  sdk: 5,
  keyPrefix: 4,
  sharedKeyPrefix: 1,
  name: 2,
} as const;

type Clue = { key: string; weight: number; reason: string };

/** A signature reduced to what can be compared with a paste. */
type Probe = {
  statuses: number[];
  codes: string[];
  types: string[];
  phrases: { text: string; words: string; own: boolean }[];
  exceptions: { dotted: string; cls: string }[];
};

type Candidate = { provider: Provider; errorType: ErrorType; probes: Probe[] };

export type DiagnosisMatch = {
  provider: Provider;
  errorType: ErrorType;
  score: number;
  /** Part of the score that points at this provider rather than at the error type. */
  providerScore: number;
  reasons: string[];
};

export type Diagnosis = {
  /** The pasted text with secrets replaced: the only form that is matched or shown. */
  redacted: string;
  redactions: { kind: string; count: number }[];
  /** Best first; a provider appears once per error type. */
  matches: DiagnosisMatch[];
  /** True when the best match's provider stands out from the others for that error type. */
  providerKnown: boolean;
};

/** The stable opening of a message: words up to the first one that carries a number, a mask or a name. */
function stablePhrase(message: string): string | null {
  const words = normalise(message).split(' ');
  const stable: string[] = [];
  for (const word of words) {
    if (/[\d*`"{}]/.test(word) || stable.length === 6) break;
    stable.push(word);
  }
  const phrase = stable.join(' ').replace(/[:,.;]+$/, '');
  if (stable.length === words.length && phrase.length >= 6) return phrase;
  return stable.length >= 3 && phrase.length >= 12 ? phrase : null;
}

/** Message strings inside a recorded body (`message`, `error`, `detail`, `title`). */
function bodyMessages(body: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(/"(?:message|error|detail|title)"\s*:\s*"((?:[^"\\]|\\.)*)"/g))
    out.push(m[1]!.replace(/\\(.)/g, '$1'));
  return out;
}

const exceptionParts = (name: string) => {
  const dotted = name.split(/\s+[(]|\s+with\s+/)[0]!.trim();
  return { dotted, cls: dotted.split('.').at(-1)! };
};

function toProbe(sig: Signature, own: boolean): Probe {
  const phrases: Probe['phrases'] = [];
  const label = sig.label
    .replace(/^\d{3}\s+/, '')
    .replace(/\s*\([^)]*\)\s*$/, '')
    .trim();
  const fromLabel = stablePhrase(label);
  if (fromLabel) phrases.push({ text: label, words: fromLabel, own: false });
  for (const message of sig.body ? bodyMessages(sig.body) : []) {
    const words = stablePhrase(message);
    if (words) phrases.push({ text: message, words, own });
  }
  return {
    statuses: sig.status !== undefined ? [sig.status] : [],
    codes: sig.code ? [sig.code.toLowerCase()] : [],
    types: sig.type ? [sig.type.toLowerCase()] : [],
    phrases,
    exceptions: (sig.exceptions ?? []).map(exceptionParts),
  };
}

/** Longest quote of the pasted message: a JSON message can be long, the reason is one line. */
const QUOTE_MAX_CHARS = 160;

/** The pasted (redacted) message from `at` to the end of its string or line, so the reason quotes the visitor's text. */
function pastedQuote(f: Features, at: number): string {
  const rest = f.text
    .slice(at)
    .split(/\r?\n|(?<!\\)["']/)[0]!
    .trim();
  const quote = rest.length > QUOTE_MAX_CHARS ? `${rest.slice(0, QUOTE_MAX_CHARS - 1)}…` : rest;
  // Reasons mark code with backticks: the visitor's own backticks must not start one.
  return quote.replaceAll('`', "'");
}

const indexOfPhrase = (haystack: string, phrase: string): number => {
  let at = haystack.indexOf(phrase);
  while (at >= 0) {
    const before = haystack[at - 1];
    const after = haystack[at + phrase.length];
    if ((before === undefined || !/[a-z0-9]/.test(before)) && (after === undefined || !/[a-z0-9]/.test(after)))
      return at;
    at = haystack.indexOf(phrase, at + 1);
  }
  return -1;
};

const contains = (haystack: string, phrase: string): boolean => indexOfPhrase(haystack, phrase) >= 0;

/** Case-sensitive containment of an identifier, not as part of a longer one. */
const containsExact = (haystack: string, name: string): boolean => {
  let at = haystack.indexOf(name);
  while (at >= 0) {
    const before = haystack[at - 1];
    const after = haystack[at + name.length];
    if ((before === undefined || !/[\w.]/.test(before)) && (after === undefined || !/\w/.test(after))) return true;
    at = haystack.indexOf(name, at + 1);
  }
  return false;
};

function typeClues(candidate: Candidate, f: Features): Clue[] {
  const clues = new Map<string, Clue>();
  const add = (key: string, weight: number, reason: string) => {
    if (!clues.has(key)) clues.set(key, { key, weight, reason });
  };
  for (const status of candidate.errorType.httpStatuses)
    if (f.statuses.has(status)) add(`status:${status}`, WEIGHTS.status, `HTTP status ${status}`);
  for (const probe of candidate.probes) {
    for (const status of probe.statuses)
      if (f.statuses.has(status)) add(`status:${status}`, WEIGHTS.status, `HTTP status ${status}`);
    for (const code of probe.codes)
      if (f.values.has(code)) add(`value:${code}`, WEIGHTS.code, `error code \`${code}\``);
    for (const type of probe.types)
      if (f.values.has(type)) add(`value:${type}`, WEIGHTS.type, `error type \`${type}\``);
    for (const p of probe.phrases) {
      const at = indexOfPhrase(f.lower, p.words);
      if (at < 0) continue;
      if (p.own) {
        // Lower-casing keeps positions unless a rare letter grows; then the catalog's own words are quoted.
        const quote = f.lower.length === f.text.length ? pastedQuote(f, at) : p.text;
        const why = `the message “${quote}” as ${candidate.provider.name} words it`;
        add(`message:${p.words}`, WEIGHTS.message, why);
      } else add(`phrase:${p.words}`, WEIGHTS.label, `“${p.text}”`);
    }
    for (const e of probe.exceptions) {
      if (e.dotted.includes('.') && containsExact(f.text, e.dotted))
        add(`exception:${e.dotted}`, WEIGHTS.exception, `exception \`${e.dotted}\``);
      else if (containsExact(f.text, e.cls))
        add(`class:${e.cls}`, WEIGHTS.exceptionClass, `exception class \`${e.cls}\``);
    }
  }
  // A code and a phrase that say the same words count once, at the weight of the stronger.
  const strongest = new Map<string, Clue>();
  for (const clue of clues.values()) {
    const id = clue.key.replace(/^[a-z]+:/, '').replace(/[_\s]+/g, ' ');
    const held = strongest.get(id);
    if (!held || clue.weight > held.weight) strongest.set(id, clue);
  }
  return [...strongest.values()];
}

const hostOf = (url: string | null | undefined): string | null => {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
};

type ProviderHints = {
  hosts: string[];
  modules: { name: string; pattern: RegExp }[];
  names: { name: string; pattern: RegExp }[];
  prefix: string | null;
  sharedPrefix: boolean;
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function buildHints(catalog: Catalog): Map<string, ProviderHints> {
  const moduleOwners = new Map<string, Set<string>>();
  const plain = new Map<string, Set<string>>();
  for (const p of catalog.providers) {
    for (const o of Object.values(p.errors)) {
      for (const sig of o.signatures) {
        for (const name of sig.exceptions ?? []) {
          const { dotted } = exceptionParts(name);
          if (!dotted.includes('.')) continue;
          const module = dotted.split('.')[0]!.toLowerCase();
          if (!moduleOwners.has(module)) moduleOwners.set(module, new Set());
          moduleOwners.get(module)!.add(p.slug);
          if (!/[(]|\swith\s/.test(name)) {
            if (!plain.has(module)) plain.set(module, new Set());
            plain.get(module)!.add(p.slug);
          }
        }
      }
    }
  }
  const prefixCount = new Map<string, number>();
  for (const p of catalog.providers)
    if (p.auth.keyPrefix) prefixCount.set(p.auth.keyPrefix, (prefixCount.get(p.auth.keyPrefix) ?? 0) + 1);
  const hints = new Map<string, ProviderHints>();
  for (const p of catalog.providers) {
    const hosts = [p.apiBase, p.probe?.url, p.keysUrl, p.statusPage?.url, p.statusPage?.pageUrl]
      .map(hostOf)
      .filter((h): h is string => h !== null);
    const modules = [...moduleOwners.entries()]
      .filter(([module, owners]) => owners.has(p.slug) && (owners.size === 1 || plain.get(module)?.has(p.slug)))
      .map(([module]) => ({
        name: module,
        pattern: new RegExp(`(?<![\\w.])${escapeRegExp(module)}\\.[A-Za-z_]`, 'i'),
      }));
    const names = [p.name, ...p.aliases]
      .filter((n) => n.length >= 4)
      .map((name) => ({ name, pattern: new RegExp(`(?<![\\w.])${escapeRegExp(name)}(?!\\w)`) }));
    const prefix = p.auth.keyPrefix ?? null;
    hints.set(p.slug, {
      hosts: [...new Set(hosts)],
      modules,
      names,
      prefix,
      sharedPrefix: prefix !== null && (prefixCount.get(prefix) ?? 0) > 1,
    });
  }
  return hints;
}

function providerClues(hints: ProviderHints, f: Features): Clue[] {
  const clues: Clue[] = [];
  for (const host of hints.hosts)
    if (contains(f.lower, host)) clues.push({ key: `host:${host}`, weight: WEIGHTS.host, reason: `the host ${host}` });
  for (const module of hints.modules) {
    if (module.pattern.test(f.text))
      clues.push({
        key: `sdk:${module.name}`,
        weight: WEIGHTS.sdk,
        reason: `its SDK's exception (\`${module.name}.…\`)`,
      });
  }
  const named = hints.names.find((n) => n.pattern.test(f.text));
  if (named) clues.push({ key: 'name', weight: WEIGHTS.name, reason: `the name “${named.name}”` });
  if (hints.prefix) {
    const longer = KEY_PREFIXES.filter((k) => k.length > hints.prefix!.length && k.startsWith(hints.prefix!));
    const pattern = new RegExp(`(?<![\\w-])${escapeRegExp(hints.prefix)}`, 'g');
    const own = [...f.text.matchAll(pattern)].some((m) => !longer.some((k) => f.text.startsWith(k, m.index)));
    if (own) {
      clues.push(
        hints.sharedPrefix
          ? { key: 'prefix', weight: WEIGHTS.sharedKeyPrefix, reason: `a key starting with \`${hints.prefix}\`` }
          : { key: 'prefix', weight: WEIGHTS.keyPrefix, reason: `a key starting with \`${hints.prefix}\`` },
      );
    }
  }
  return clues;
}

export type Diagnoser = { diagnose(pasted: string, onlyProvider?: string): Diagnosis };

/** Indexes the catalog once; each diagnosis then redacts, reads and scores every applicable (provider, type). */
export function createDiagnoser(catalog: Catalog): Diagnoser {
  const candidates: Candidate[] = catalog.providers.flatMap((provider) =>
    errorTypesFor(catalog, provider).map((errorType) => ({
      provider,
      errorType,
      probes: [
        ...(provider.errors[errorType.slug]?.signatures ?? []).map((s) => toProbe(s, true)),
        ...errorType.signatures.map((s) => toProbe(s, false)),
      ],
    })),
  );
  const hints = buildHints(catalog);
  const order = new Map(catalog.errorTypes.map((e, i) => [e.slug, i]));

  return {
    diagnose(pasted, onlyProvider) {
      const { text: redacted, counts } = redactSecrets(pasted);
      const f = extractFeatures(redacted);
      const byProvider = new Map(catalog.providers.map((p) => [p.slug, providerClues(hints.get(p.slug)!, f)]));
      const matches: DiagnosisMatch[] = [];
      for (const c of candidates) {
        if (onlyProvider && c.provider.slug !== onlyProvider) continue;
        const typed = typeClues(c, f);
        if (typed.length === 0) continue;
        const pClues = byProvider.get(c.provider.slug)!;
        const providerScore = pClues.reduce((sum, clue) => sum + clue.weight, 0);
        const score = typed.reduce((sum, clue) => sum + clue.weight, 0) + providerScore;
        matches.push({
          provider: c.provider,
          errorType: c.errorType,
          score,
          providerScore,
          reasons: [...typed, ...pClues].map((clue) => clue.reason),
        });
      }
      matches.sort(
        (a, b) =>
          b.score - a.score ||
          b.providerScore - a.providerScore ||
          order.get(a.errorType.slug)! - order.get(b.errorType.slug)!,
      );
      const best = matches[0];
      const rival = best ? matches.find((m) => m !== best && m.errorType.slug === best.errorType.slug) : undefined;
      const providerKnown =
        best !== undefined && (onlyProvider !== undefined || rival === undefined || best.score > rival.score);
      return { redacted, redactions: counts, matches, providerKnown };
    },
  };
}
