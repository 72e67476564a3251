// Parsing helpers shared by the adapters: JSON with typed failures, zod with short messages, upstream times.
import * as z from 'zod';
import { SourceError } from './adapter.ts';

/** Real status documents nest fewer than 10 levels; far deeper nesting only makes JSON.parse block the event loop. */
export const MAX_JSON_DEPTH = 64;

/**
 * The first nesting depth above `max` in a JSON text, or null: one linear pass over the characters that skips the
 * contents of strings (escapes included), so brackets inside text never count.
 */
export function jsonDepthOver(text: string, max: number = MAX_JSON_DEPTH): number | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > max) return depth;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return null;
}

/** Parses an upstream JSON body; refuses nesting deeper than MAX_JSON_DEPTH before parsing. Throws SourceError. */
export function parseJson(body: string): unknown {
  if (jsonDepthOver(body) !== null)
    throw new SourceError('parse', `not accepted: JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
  try {
    return JSON.parse(body.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new SourceError('parse', `not valid JSON: ${(error as Error).message.slice(0, 120)}`);
  }
}

/** Validates with zod; the failure names the first few paths at fault. */
export function parseShape<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new SourceError('schema', `${what} has an unexpected shape (${issues.join('; ')})`);
}

const ISO_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * Epoch ms of an upstream time: ISO-8601 with any offset, RFC-822 (feeds) or JS `Date.toString()` (Instatus).
 * A time without a zone is read as UTC, never as this machine's local time. Null when unreadable.
 */
export function parseTime(text: string | null | undefined): number | null {
  if (!text) return null;
  const trimmed = text.trim();
  const at = Date.parse(
    ISO_WITHOUT_ZONE.test(trimmed) ? `${trimmed.replace(' ', 'T')}Z` : trimmed.replace(/\s*\(.*\)$/, ''),
  );
  return Number.isFinite(at) ? at : null;
}

/** A required upstream time, as epoch ms. */
export const Time = z.string().transform((text, ctx) => {
  const at = parseTime(text);
  if (at === null) {
    ctx.addIssue({ code: 'custom', message: `not a time: ${JSON.stringify(text.slice(0, 40))}` });
    return z.NEVER;
  }
  return at;
});

/** An optional upstream time: absent, null or empty all read as null. */
export const OptionalTime = z
  .union([Time, z.literal('')])
  .nullish()
  .transform((at) => (typeof at === 'number' ? at : null));

/** A string that may be absent or null upstream. */
export const OptionalText = z
  .string()
  .nullish()
  .transform((text) => text ?? null);
