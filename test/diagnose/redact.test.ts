// Anything that looks like a secret is replaced before matching or echoing; ordinary error text is left alone.
import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../src/diagnose/redact.ts';

const SECRETS: [kind: string, secret: string, kept: string][] = [
  ['OpenAI project key', 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3iJk6lMn9oPq2rSt5uVw8xYz1', 'sk-proj-'],
  ['OpenAI legacy key', 'sk-4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a', 'sk-'],
  ['Anthropic key', 'sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0Ed9Cb8Aa7Zz6Yy5Xx4Ww3Vv2Uu1Tt0Ss-AbCdEf', 'sk-ant-'],
  ['Google key', 'AIzaSyD3f8G2h1J0k9L8m7N6b5V4c3X2z1A0s9D', 'AIza'],
  ['Groq key', 'gsk_8Hd93Kd02Lw9Qm3Xz7Pp1Rt5Vb8Nn2Yy4Uu6Ii0Oo3Ee', 'gsk_'],
  ['xAI key', 'xai-Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5Nm7Qw9Er1Ty3Ui5Op7As9Df1Gh3Jk5', 'xai-'],
  ['Hugging Face token', 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', 'hf_'],
  ['Replicate token', 'r8_Qm3Xz7Pp1Rt5Vb8Nn2Yy4Uu6Ii0Oo3EeAa9Ss', 'r8_'],
  ['OpenRouter key', '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', 'sk-or-v1-'],
  ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE', 'AKIA'],
];

describe('redactSecrets', () => {
  it.each(SECRETS)('removes a %s but keeps its prefix', (_kind, secret, kept) => {
    const { text, counts } = redactSecrets(
      `Incorrect API key provided: ${secret}. ` +
        'You can find your API key at https://platform.openai.com/account/api-keys.',
    );
    expect(text).not.toContain(secret.slice(kept.length, kept.length + 12));
    expect(text).toContain(`${kept}${REDACTED}`);
    expect(text).toContain('Incorrect API key provided:');
    expect(text).toContain('https://platform.openai.com/account/api-keys');
    expect(counts.reduce((n, c) => n + c.count, 0)).toBe(1);
  });

  it("keeps a key the provider already masked, but not a masked start followed by the secret's rest", () => {
    const masked = 'Incorrect API key provided: sk-proj-abc***************************xyz1. You can find it.';
    expect(redactSecrets(masked)).toEqual({ text: masked, counts: [] });
    const anthropic = "'sk-ant-api03-********************Ab9Z'";
    expect(redactSecrets(anthropic).text).toBe(anthropic);
    const leaky = 'sk-proj-abc******Q9w8E7r6T5y4U3i2O1p0A9s8';
    expect(redactSecrets(leaky).text).toBe(`sk-proj-${REDACTED}`);
  });

  it('removes bearer tokens, key headers and assignments', () => {
    const pasted = [
      'curl -H "Authorization: Bearer ' +
        'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"',
      'x-api-key: my-own-private-key-123',
      "client = OpenAI(api_key='c0ffee-not-a-real-key-but-secret')",
      'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ].join('\n');
    const { text, counts } = redactSecrets(pasted);
    for (const secret of ['eyJhbGciOiJIUzI1NiJ9', 'my-own-private-key-123', 'c0ffee-not-a-real-key', 'wJalrXUtnFEMI'])
      expect(text).not.toContain(secret);
    expect(text).toContain(`Authorization: Bearer ${REDACTED}`);
    expect(text).toContain(`x-api-key: ${REDACTED}`);
    expect(counts.map((c) => c.kind)).toContain('Bearer token');
  });

  it('removes long hex and base64 tokens', () => {
    const { text } = redactSecrets(
      'token 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 and ' +
        'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo=',
    );
    expect(text).toBe(`token ${REDACTED} and ${REDACTED}`);
  });

  it('leaves error codes, messages, model names and URLs alone', () => {
    const error =
      "anthropic.RateLimitError: Error code: 429 - {'type': 'error', 'error': {'type': 'rate_limit_error', " +
      "'message': 'Number of request tokens has exceeded your per-minute rate limit " +
      "(https://docs.claude.com/en/api/rate-limits); see the response headers for current usage.'}} " +
      'model=claude-sonnet-4-5-20250929 hf_hub_download';
    expect(redactSecrets(error)).toEqual({ text: error, counts: [] });
  });

  it('keeps a long run of letters (no digit: no token) and removes a long token after it', () => {
    const { text: out } = redactSecrets(`${'a'.repeat(19_000)} ${'b1'.repeat(400)}`);
    expect(out.endsWith(` ${REDACTED}`) && out.startsWith('a'.repeat(19_000))).toBe(true);
  });
});
