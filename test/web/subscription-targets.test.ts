// Where a subscription may point: the same rule at creation as before each delivery (no localhost., port 0,
// user:pass@; punycode TLDs accepted), and Slack and Discord only on their official hosts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamPolicy } from '../../src/sources/addresses.ts';
import { isSharedHost, targetProblem } from '../../src/notify/targets.ts';
import { createHarness, type Harness } from '../helpers/app.ts';

describe('creating a subscription checks its target as delivery will', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ env: { SUBSCRIPTION_RATE_LIMIT_PER_HOUR: '100' } });
  });
  afterAll(() => h.close());
  let client = 0;
  const post = (channel: string, target: string) => {
    client += 1;
    return h.app.inject({
      method: 'POST',
      url: '/api/v1/subscriptions',
      payload: { channel, target },
      remoteAddress: `198.51.100.${client}`,
    });
  };

  it.each([
    ['webhook', 'https://localhost./hook', 'a URL on a public address'],
    ['webhook', 'https://api.localhost./hook', 'a URL on a public address'],
    ['webhook', 'https://hooks.example.com:0/hook', 'a URL with a usable port (not 0)'],
    ['webhook', 'https://user:pass@hooks.example.com/hook', 'a URL without a user name or password'],
    ['webhook', 'https://:secret@hooks.example.com/hook', 'a URL without a user name or password'],
    ['slack', 'https://hooks.example.com/services/T/B/X', 'a Slack incoming webhook URL (https://hooks.slack.com/'],
    ['slack', 'https://hooks.slack.com.evil.example/services/T/B/X', 'a Slack incoming webhook URL'],
    ['slack', 'https://hooks.slack.com/api/other', 'a Slack incoming webhook URL'],
    ['discord', 'https://discord.evil.example/api/webhooks/1/x', 'a Discord incoming webhook URL'],
    ['discord', 'https://discord.com/channels/1/2', 'a Discord incoming webhook URL'],
  ])('refuses %s %s with a 400 naming why', async (channel, target, why) => {
    const res = await post(channel, target);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain(`target: ${why}`);
  });

  it.each([
    ['webhook', 'https://hooks.example.xn--p1ai/hook'],
    ['webhook', 'https://пример.рф/hook'],
    ['webhook', 'https://hooks.example.com:8443/hook'],
    ['slack', 'https://hooks.slack.com/services/T000/B000/XXXX'],
    ['discord', 'https://discord.com/api/webhooks/123/abc'],
    ['discord', 'https://discordapp.com/api/v10/webhooks/123/abc'],
  ])('accepts %s %s', async (channel, target) => {
    const res = await post(channel, target);
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('the target rule', () => {
  const strict = upstreamPolicy(false);
  const loose = upstreamPolicy(true);

  it('is the same function the sender applies before each delivery, and names shared chat hosts', () => {
    expect(targetProblem('webhook', 'https://localhost../x', strict)).toBe('a URL on a public address');
    expect(targetProblem('webhook', 'http://127.0.0.1:9/x', strict)).toMatch(/https/);
    expect(targetProblem('webhook', 'http://127.0.0.1:9/x', loose)).toBeNull();
    expect(targetProblem('webhook', 'http://127.0.0.1:0/x', loose)).toMatch(/port/);
    expect(targetProblem('slack', 'http://127.0.0.1:9/services/x', loose)).toMatch(/Slack/);
    expect(isSharedHost('hooks.slack.com')).toBe(true);
    expect(isSharedHost('DISCORD.com.')).toBe(true);
    expect(isSharedHost('acme.webhook.office.com')).toBe(true);
    expect(isSharedHost('hooks.example.com')).toBe(false);
  });
});
