// The diagnosis ranks the right provider and error type first for recorded bodies, SDK pastes and bare codes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDiagnoser } from '../../src/diagnose/match.ts';
import { realCatalog } from '../helpers/catalog.ts';

const catalog = realCatalog();
const diagnoser = createDiagnoser(catalog);
const fixture = (name: string) => readFileSync(new URL(`../fixtures/errors/${name}`, import.meta.url), 'utf8');

const best = (text: string, provider?: string) => {
  const d = diagnoser.diagnose(text, provider);
  const top = d.matches[0];
  return {
    provider: top?.provider.slug,
    error: top?.errorType.slug,
    known: d.providerKnown,
    reasons: top?.reasons ?? [],
    d,
  };
};

/** Recorded rejection bodies (shared/reference/fixtures/errors), as a developer pastes them: status line, then body. */
const RECORDED: [file: string, status: number, provider: string][] = [
  ['openai-401-invalid-key.json', 401, 'openai'],
  ['openai-401-missing-key.json', 401, 'openai'],
  ['anthropic-401.json', 401, 'anthropic'],
  ['deepseek-401.json', 401, 'deepseek'],
  ['groq-401.json', 401, 'groq'],
  ['mistral-401.json', 401, 'mistral'],
  ['cohere-401.json', 401, 'cohere'],
  ['openrouter-401-missing-key.json', 401, 'openrouter'],
  ['azure-openai-401.json', 401, 'azure-openai'],
  ['google-gemini-400-invalid-key.json', 400, 'google-gemini'],
  ['google-gemini-403-missing-key.json', 403, 'google-gemini'],
  ['xai-400-invalid-key.json', 400, 'xai'],
  ['aws-bedrock-403-invalid-credentials.json', 403, 'aws-bedrock'],
  ['aws-bedrock-403-unsigned.json', 403, 'aws-bedrock'],
  ['assemblyai-401.json', 401, 'assemblyai'],
  ['deepgram-401-projects.json', 401, 'deepgram'],
  ['deepgram-401-listen.json', 401, 'deepgram'],
  ['alibaba-model-studio-401.json', 401, 'alibaba-model-studio'],
];

describe('recorded error bodies', () => {
  it.each(RECORDED)("%s alone is %s's… authentication error", (file, _status, provider) => {
    const r = best(fixture(file));
    expect([r.provider, r.error], r.reasons.join('; ')).toEqual([provider, 'auth-error']);
    expect(r.known).toBe(true);
  });

  it.each(RECORDED)('%s behind "HTTP %i" still ranks %s first', (file, status, provider) => {
    const r = best(`HTTP ${status}\n${fixture(file)}`);
    expect([r.provider, r.error], r.reasons.join('; ')).toEqual([provider, 'auth-error']);
  });
});

/** What SDKs print, pasted whole. */
const PASTES: [what: string, text: string, provider: string, error: string][] = [
  [
    'openai python, invalid key',
    "openai.AuthenticationError: Error code: 401 - {'error': {'message': 'Incorrect API key provided: " +
      'sk-proj-abc***************************xyz1. You can find your API key at ' +
      "https://platform.openai.com/account/api-keys.', 'type': 'invalid_request_error', 'param': None, 'code': " +
      "'invalid_api_key'}}",
    'openai',
    'auth-error',
  ],
  [
    'openai python, no credit',
    "openai.RateLimitError: Error code: 429 - {'error': {'message': 'You exceeded your current quota, please check " +
      'your plan and billing details. For more information on this error, read the docs: ' +
      "https://platform.openai.com/docs/guides/error-codes/api-errors.', 'type': 'insufficient_quota', 'param': " +
      "None, 'code': 'insufficient_quota'}}",
    'openai',
    'quota-exceeded',
  ],
  [
    'openai python, rate limit',
    "openai.RateLimitError: Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o in organization " +
      "org-xyz on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.', 'type': " +
      "'requests', 'param': None, 'code': 'rate_limit_exceeded'}}",
    'openai',
    'rate-limit',
  ],
  [
    'openai python, context',
    "openai.BadRequestError: Error code: 400 - {'error': {'message': \"This model's maximum context length is " +
      '128000 tokens. However, your messages resulted in 140000 tokens. Please reduce the length of the ' +
      "messages.\", 'type': 'invalid_request_error', 'param': 'messages', 'code': 'context_length_exceeded'}}",
    'openai',
    'invalid-request',
  ],
  [
    'openai python, model',
    "openai.NotFoundError: Error code: 404 - {'error': {'message': 'The model `gpt-6` does not exist or you do not " +
      "have access to it.', 'type': 'invalid_request_error', 'param': None, 'code': 'model_not_found'}}",
    'openai',
    'model-not-found',
  ],
  ['openai python, connection', 'openai.APIConnectionError: Connection error.', 'openai', 'connection-error'],
  ['openai python, timeout', 'openai.APITimeoutError: Request timed out.', 'openai', 'timeout'],
  [
    'openai python, region',
    "openai.PermissionDeniedError: Error code: 403 - {'error': {'code': 'unsupported_country_region_territory', " +
      "'message': 'Country, region, or territory not supported', 'param': None, 'type': 'request_forbidden'}}",
    'openai',
    'permission-denied',
  ],
  [
    'anthropic python, overloaded',
    "anthropic.InternalServerError: Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', " +
      "'message': 'Overloaded'}}",
    'anthropic',
    'overloaded',
  ],
  [
    'anthropic python, rate limit',
    "anthropic.RateLimitError: Error code: 429 - {'type': 'error', 'error': {'type': 'rate_limit_error', " +
      "'message': 'This request would exceed the rate limit for your organization of 50,000 input tokens per " +
      "minute.'}}",
    'anthropic',
    'rate-limit',
  ],
  [
    'anthropic python, credit',
    "anthropic.BadRequestError: Error code: 400 - {'type': 'error', 'error': {'type': 'invalid_request_error', " +
      "'message': 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to " +
      "upgrade or purchase credits.'}}",
    'anthropic',
    'quota-exceeded',
  ],
  [
    'anthropic python, prompt too long',
    "anthropic.BadRequestError: Error code: 400 - {'type': 'error', 'error': {'type': 'invalid_request_error', " +
      "'message': 'prompt is too long: 212345 tokens > 200000 maximum'}}",
    'anthropic',
    'invalid-request',
  ],
  ['anthropic, bare overloaded_error', 'overloaded_error', 'anthropic', 'overloaded'],
  [
    'gemini, overloaded',
    '{"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}',
    'google-gemini',
    'overloaded',
  ],
  [
    'gemini, quota',
    "google.genai.errors.ClientError: 429 RESOURCE_EXHAUSTED. {'error': {'code': 429, 'message': 'Resource has " +
      "been exhausted (e.g. check quota).', 'status': 'RESOURCE_EXHAUSTED'}}",
    'google-gemini',
    'rate-limit',
  ],
  [
    'deepseek, balance',
    'Error code: 402 - {"error": {"message": "Insufficient Balance", "type": "unknown_error", "param": null, ' +
      '"code": "invalid_request_error"}} from https://api.deepseek.com',
    'deepseek',
    'quota-exceeded',
  ],
  [
    'bedrock, throttling',
    'botocore.errorfactory.ThrottlingException: An error occurred (ThrottlingException) when calling the ' +
      'InvokeModel operation (reached max retries: 4): Too many requests, please wait before trying again.',
    'aws-bedrock',
    'rate-limit',
  ],
  [
    'azure, deployment',
    "openai.NotFoundError: Error code: 404 - {'error': {'code': 'DeploymentNotFound', 'message': 'The API " +
      "deployment for this resource does not exist.'}}",
    'azure-openai',
    'model-not-found',
  ],
  [
    'moonshot, engine overloaded',
    "{'error': {'message': 'The engine is currently overloaded, please try again later', 'type': " +
      "'engine_overloaded_error'}}",
    'moonshot',
    'overloaded',
  ],
  [
    'openrouter, credits',
    '{"error":{"code":402,"message":"Insufficient credits. Add more using https://openrouter.ai/settings/credits"}}',
    'openrouter',
    'quota-exceeded',
  ],
  [
    'groq, decommissioned',
    "groq.BadRequestError: Error code: 400 - {'error': {'message': 'The model `llama3-70b-8192` has been " +
      "decommissioned and is no longer supported.', 'type': 'invalid_request_error', 'code': 'model_decommissioned'}}",
    'groq',
    'model-not-found',
  ],
  [
    'cerebras, a key by its prefix',
    'Error: 401 Unauthorized, key csk-abcdefghijklmnopqrstuvwxyz0123456789abcd',
    'cerebras',
    'auth-error',
  ],
  [
    'minimax, a rejection inside HTTP 200',
    'MiniMax answered 200: {"base_resp":{"status_code":1004,"status_msg":"login fail"}}',
    'minimax',
    'auth-error',
  ],
];

describe('SDK and API pastes', () => {
  it.each(PASTES)('%s', (_what, text, provider, error) => {
    const r = best(text);
    expect([r.provider, r.error], r.reasons.join('; ')).toEqual([provider, error]);
    expect(r.known).toBe(true);
  });
});

describe('SDK exception names alone', () => {
  it.each([
    ['openai.AuthenticationError', 'openai', 'auth-error'],
    ['anthropic.RateLimitError', 'anthropic', 'rate-limit'],
    ['anthropic.OverloadedError', 'anthropic', 'overloaded'],
    ['openai.PermissionDeniedError', 'openai', 'permission-denied'],
    ['groq.APIConnectionError', 'groq', 'connection-error'],
    ['cohere.errors.TooManyRequestsError', 'cohere', 'rate-limit'],
    ['zhipuai.APIAuthenticationError', 'zhipu-glm', 'auth-error'],
  ])('%s', (text, provider, error) => {
    const r = best(text);
    expect([r.provider, r.error], r.reasons.join('; ')).toEqual([provider, error]);
  });
});

describe('provider unknown or chosen', () => {
  it('a bare status names the error type but not the provider', () => {
    const r = best('429 Too Many Requests');
    expect(r.error).toBe('rate-limit');
    expect(r.known).toBe(false);
  });

  it('a chosen provider restricts the matches to it', () => {
    const r = best('429 Too Many Requests', 'mistral');
    expect([r.provider, r.error, r.known]).toEqual(['mistral', 'rate-limit', true]);
    expect(r.d.matches.every((m) => m.provider.slug === 'mistral')).toBe(true);
  });

  it('gives the reasons of each match, naming the evidence it found', () => {
    const r = best(fixture('anthropic-401.json'));
    expect(r.reasons).toContain('error type `authentication_error`');
    expect(r.reasons.some((reason) => reason.includes('invalid x-api-key'))).toBe(true);
  });

  it('matches nothing in text that is no error', () => {
    expect(diagnoser.diagnose('hello world, lovely weather').matches).toEqual([]);
  });
});
