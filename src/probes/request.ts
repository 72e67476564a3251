// A probe definition as an HTTP request through the door: the catalog's method, URL, headers (an obviously fake
// key, never a secret) and body, on a new connection so every attempt measures the same phases.
import type { Probe } from '../catalog/schema.ts';
import type { HttpRequest } from '../sources/http.ts';

/** A rejection is a few hundred bytes; anything near this is not the usual answer. */
export const PROBE_MAX_BYTES = 64 * 1024;

export function probeRequest(probe: Probe, deadlineMs: number, signal?: AbortSignal): HttpRequest {
  return {
    method: probe.method,
    url: probe.url,
    headers: { accept: 'application/json', ...probe.headers },
    ...(probe.body !== undefined ? { body: probe.body } : {}),
    deadlineMs,
    maxBytes: PROBE_MAX_BYTES,
    newConnection: true,
    ...(signal ? { signal } : {}),
  };
}
