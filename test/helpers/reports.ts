// Report test helpers: read a page's form token, post the HTML form or the JSON twin, and count what was stored.
import type { InjectOptions } from 'fastify';
import type { Harness } from './app.ts';
import { rows } from './engines.ts';

export type Client = { remoteAddress?: string; headers?: Record<string, string> };

/** The report form's token in a page. */
export function tokenIn(html: string): string {
  const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no report form token in the page');
  return token;
}

export async function pageToken(h: Harness, path: string): Promise<string> {
  const res = await h.app.inject({ method: 'GET', url: path });
  if (res.statusCode !== 200) throw new Error(`GET ${path} answered ${res.statusCode}`);
  return tokenIn(res.body);
}

export function postForm(h: Harness, slug: string, fields: Record<string, string>, client: Client = {}) {
  const options: InjectOptions = {
    method: 'POST',
    url: `/${slug}/reports`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...client.headers },
    payload: new URLSearchParams(fields).toString(),
    ...(client.remoteAddress ? { remoteAddress: client.remoteAddress } : {}),
  };
  return h.app.inject(options);
}

export function postJson(h: Harness, slug: string, body: unknown, client: Client = {}) {
  const options: InjectOptions = {
    method: 'POST',
    url: `/api/v1/providers/${slug}/reports`,
    headers: { 'content-type': 'application/json', ...client.headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    ...(client.remoteAddress ? { remoteAddress: client.remoteAddress } : {}),
  };
  return h.app.inject(options);
}

export type StoredReport = {
  provider: string;
  category: string;
  httpStatus: number | null;
  model: string | null;
  sdk: string | null;
  region: string | null;
  clientHash: string;
  counted: number;
  ignoredReason: string | null;
  at: number;
};

export function storedReports(h: Harness): Promise<StoredReport[]> {
  return rows<StoredReport>(
    h.store,
    `SELECT provider_slug AS provider, category, http_status AS "httpStatus", model, sdk, region,
       client_hash AS "clientHash", counted, ignored_reason AS "ignoredReason", at FROM reports ORDER BY id`,
  );
}

export const countedReports = async (h: Harness): Promise<number> =>
  (await storedReports(h)).filter((r) => r.counted === 1).length;
