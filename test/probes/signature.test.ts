// Body signatures: each catalog probe recognises its provider's recorded rejection, and nothing else.
import { describe, expect, it } from 'vitest';
import { signatureMismatch, valuesAt } from '../../src/probes/signature.ts';
import { realCatalog } from '../helpers/catalog.ts';
import { fixture } from '../helpers/upstream.ts';

const catalog = realCatalog();
const expectOf = (slug: string) => catalog.providerBySlug.get(slug)!.probe!.expect;

/** Recorded rejections of an invalid key (test/fixtures/errors), with the status they came with. */
const RECORDED: [slug: string, file: string, status: number][] = [
  ['openai', 'openai-401-invalid-key.json', 401],
  ['anthropic', 'anthropic-401.json', 401],
  ['deepseek', 'deepseek-401.json', 401],
  ['google-gemini', 'google-gemini-400-invalid-key.json', 400],
  ['mistral', 'mistral-401.json', 401],
  ['cohere', 'cohere-401.json', 401],
  ['groq', 'groq-401.json', 401],
  ['xai', 'xai-400-invalid-key.json', 400],
  ['openrouter', 'openrouter-401-missing-key.json', 401],
  ['elevenlabs', 'elevenlabs-401.json', 401],
  ['assemblyai', 'assemblyai-401.json', 401],
  ['deepgram', 'deepgram-401-projects.json', 401],
];

describe('catalog probe signatures', () => {
  it.each(RECORDED)('%s recognises its recorded rejection (%s)', (slug, file, status) => {
    const expect_ = expectOf(slug);
    expect(expect_.statuses).toContain(status);
    expect(signatureMismatch(expect_, fixture(`errors/${file}`))).toBeNull();
  });

  it("rejects other providers' rejections where the signature is specific", () => {
    expect(signatureMismatch(expectOf('openai'), fixture('errors/anthropic-401.json'))).toBe(
      'error.code is missing, not "invalid_api_key"',
    );
    expect(signatureMismatch(expectOf('anthropic'), fixture('errors/openai-401-invalid-key.json'))).toBe(
      'error.type is "invalid_request_error", not "authentication_error"',
    );
    expect(signatureMismatch(expectOf('google-gemini'), fixture('errors/google-gemini-403-missing-key.json'))).toBe(
      'error.details.*.reason is missing, not "API_KEY_INVALID"',
    );
  });

  it("does not take Deepgram's transcription-shaped rejection for the answer of the endpoint it probes", () => {
    expect(signatureMismatch(expectOf('deepgram'), fixture('errors/deepgram-401-listen.json'))).toBe(
      'category is missing, not "UNAUTHORIZED"',
    );
  });

  it('does not take the "missing key" answer for the "invalid key" one', () => {
    expect(signatureMismatch(expectOf('openai'), fixture('errors/openai-401-missing-key.json'))).toBe(
      'error.code is null, not "invalid_api_key"',
    );
  });

  it('says when the body is not JSON or lacks the text', () => {
    expect(signatureMismatch(expectOf('openai'), '<html>401 Authorization Required</html>')).toBe(
      'the body is not JSON',
    );
    expect(signatureMismatch(expectOf('mistral'), '{"detail":"Forbidden"}')).toBe(
      'the body does not contain "Unauthorized"',
    );
    expect(signatureMismatch(expectOf('mistral'), '{"detail":"Unauthorized"}')).toBeNull();
  });
});

describe('signatureMismatch', () => {
  it('compares values by their text, so 401 and "401" are the same rejection', () => {
    expect(
      signatureMismatch({ statuses: [401], path: 'error.code', equals: 401 }, '{"error":{"code":"401"}}'),
    ).toBeNull();
    expect(
      signatureMismatch({ statuses: [401], path: 'error.code', equals: '401' }, '{"error":{"code":401}}'),
    ).toBeNull();
    expect(
      signatureMismatch({ statuses: [401], path: 'error.code', equals: 401 }, '{"error":{"code":{"value":401}}}'),
    ).toBe('error.code is missing, not 401');
  });

  it('with a path and no value, needs the path to hold something', () => {
    expect(signatureMismatch({ statuses: [401], path: 'error' }, '{"error":{"message":"no"}}')).toBeNull();
    expect(signatureMismatch({ statuses: [401], path: 'error' }, '{"error":null}')).toBe('the body has no error');
  });

  it('needs both parts when a signature has a path and a substring', () => {
    const both = { statuses: [401], path: 'type', equals: 'error', contains: 'x-api-key' };
    expect(signatureMismatch(both, fixture('errors/anthropic-401.json'))).toBeNull();
    expect(signatureMismatch(both, '{"type":"error","error":{"message":"nope"}}')).toBe(
      'the body does not contain "x-api-key"',
    );
  });
});

describe('valuesAt', () => {
  it('walks objects and array indexes, and * steps into every element', () => {
    const doc = { a: { list: [{ r: 1 }, { r: 2 }, { q: 3 }] } };
    expect(valuesAt(doc, 'a.list.1.r')).toEqual([2]);
    expect(valuesAt(doc, 'a.list.*.r')).toEqual([1, 2]);
    expect(valuesAt(doc, 'a.missing.r')).toEqual([]);
    expect(valuesAt('text', 'a')).toEqual([]);
    expect(valuesAt({ a: { b: 1 } }, 'a.*')).toEqual([]);
  });
});
