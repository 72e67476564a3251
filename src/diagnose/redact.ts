// Redaction of anything in pasted text that looks like a secret, before it is matched or shown back.

export const REDACTED = '[redacted]';

type Rule = { kind: string; pattern: RegExp; replace: (prefix: string) => string };

/** Prefixes of provider API keys; the prefix is kept (it is no secret and tells the provider), the rest goes. */
export const KEY_PREFIXES = [
  'sk-ant-',
  'sk-or-v1-',
  'sk-proj-',
  'sk-svcacct-',
  'sk-',
  'gsk_',
  'xai-',
  'hf_',
  'r8_',
  'pplx-',
  'fw_',
  'fpk_',
  'csk-',
  'jina_',
  'AIza',
  'AQ.',
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Not a key as providers echo it: a few characters, a run of asterisks, at most the last few characters. */
const NOT_MASKED = String.raw`(?![A-Za-z0-9_-]{0,16}\*{6,}[A-Za-z0-9]{0,6}(?![A-Za-z0-9_*-]))`;

/** Ordered: specific shapes first, so the generic long-token rules only see what is left. */
export const REDACTION_RULES: readonly Rule[] = [
  {
    kind: 'Bearer token',
    pattern: /\b(Bearer\s+)([A-Za-z0-9._~+/=*-]{8,})/gi,
    replace: (prefix) => `${prefix}${REDACTED}`,
  },
  {
    kind: 'API key header or assignment',
    pattern: new RegExp(
      // The name (kept), its separator (kept), then the value (replaced).
      String.raw`(?<![A-Za-z0-9])((?:x-api-key|api-key|x-goog-api-key|api[_-]?key|apikey|access[_-]?token|` +
        String.raw`secret(?:[_-]?access)?[_-]?key|password|token)["']?\s*[:=]\s*["']?)([^\s"',;]{8,})`,
      'gi',
    ),
    replace: (prefix) => `${prefix}${REDACTED}`,
  },
  {
    kind: 'provider API key',
    // A key the provider already masked ("sk-proj-abc****xyz1") is no secret and tells the visitor which key was sent.
    pattern: new RegExp(`(?<![\\w-])(${KEY_PREFIXES.map(escape).join('|')})${NOT_MASKED}[A-Za-z0-9_*.-]{16,}`, 'g'),
    replace: (prefix) => `${prefix}${REDACTED}`,
  },
  {
    kind: 'AWS access key',
    pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g,
    replace: (prefix) => `${prefix}${REDACTED}`,
  },
  {
    kind: 'JSON Web Token',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    replace: () => REDACTED,
  },
  {
    kind: 'AWS secret key',
    pattern: /(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]*\d)(?=[A-Za-z0-9/+]*[/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    replace: () => REDACTED,
  },
  {
    // The look-behind lets a match start only where a run of token characters starts, which keeps this linear.
    kind: 'long hex or base64 token',
    pattern: /(?<![A-Za-z0-9+_-])(?=[A-Za-z0-9+_-]*\d)(?=[A-Za-z0-9+_-]*[A-Za-z])[A-Za-z0-9+_-]{32,}={0,2}/g,
    replace: () => REDACTED,
  },
];

export type Redaction = { text: string; counts: { kind: string; count: number }[] };

/** Replaces every secret-looking part of `text`; the result is all that may be matched, shown or logged. */
export function redactSecrets(text: string): Redaction {
  const counts: { kind: string; count: number }[] = [];
  let out = text;
  for (const rule of REDACTION_RULES) {
    let count = 0;
    out = out.replace(rule.pattern, (_match: string, prefix: unknown) => {
      count += 1;
      return rule.replace(typeof prefix === 'string' ? prefix : '');
    });
    if (count > 0) counts.push({ kind: rule.kind, count });
  }
  return { text: out, counts };
}
