// The body signature of a provider's normal rejection: a JSON value at a dot path, or a substring of the raw body.
import type { Probe } from '../catalog/schema.ts';
import { jsonDepthOver, MAX_JSON_DEPTH } from '../sources/parse.ts';

export type ProbeExpectation = Probe['expect'];

/** The values at a dot path; `*` steps into every element of an array (`error.details.*.reason`). */
export function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const step of path.split('.')) {
    current = current.flatMap((v) => {
      if (v === null || typeof v !== 'object') return [];
      if (step === '*') return Array.isArray(v) ? v : [];
      return step in v ? [(v as Record<string, unknown>)[step]] : [];
    });
  }
  return current;
}

const isPrimitive = (v: unknown): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v);

/**
 * Null when the body carries the signature, else what was wrong, in words. A value equals when its text does:
 * `401` and `"401"` are the same rejection.
 */
export function signatureMismatch(expect: ProbeExpectation, body: string): string | null {
  if (expect.path !== undefined) {
    let json: unknown;
    if (jsonDepthOver(body) !== null) return `the body nests JSON more than ${MAX_JSON_DEPTH} levels deep`;
    try {
      json = JSON.parse(body);
    } catch {
      return 'the body is not JSON';
    }
    const found = valuesAt(json, expect.path);
    if (expect.equals === undefined) {
      if (!found.some((v) => v !== null && v !== undefined)) return `the body has no ${expect.path}`;
    } else if (!found.some((v) => isPrimitive(v) && String(v) === String(expect.equals))) {
      const seen = found.find((v) => v === null || isPrimitive(v));
      return (
        `${expect.path} is ${seen === undefined ? 'missing' : JSON.stringify(seen)}, not ` +
        `${JSON.stringify(expect.equals)}`
      );
    }
  }
  if (expect.contains !== undefined && !body.includes(expect.contains))
    return `the body does not contain ${JSON.stringify(expect.contains)}`;
  return null;
}
