// Slack and Discord messages carry upstream text as text only: no mention, no masked link, no markup of the
// upstream's, links only to our site or the provider's status page, within each service's limits, cut on graphemes.
import { describe, expect, it } from 'vitest';
import type { StatusEvent } from '../../src/domain.ts';
import { noticeLink } from '../../src/notify/links.ts';
import {
  DISCORD_DESCRIPTION_MAX_CHARS,
  DISCORD_TITLE_MAX_CHARS,
  SLACK_SECTION_MAX_CHARS,
  discordMessage,
  slackMessage,
} from '../../src/notify/messages.ts';
import { realCatalog } from '../helpers/catalog.ts';

const HOSTILE =
  'Fix <!channel> <@U123> <https://evil.example|click here> @everyone @here [login](https://evil.example) **now**';

const event = (title: string, link: string | null = 'https://status.openai.com/incidents/abc'): StatusEvent => ({
  id: 'e1',
  type: 'incident_opened',
  at: '2026-12-06T06:00:00.000Z',
  provider: { slug: 'openai', name: 'OpenAI' },
  level: 'major_outage',
  previousLevel: 'operational',
  incident: { id: '1', title, source: 'official', kind: 'incident', state: 'investigating', impact: 'major', link },
  components: ['API <b>', '@here'],
  url: 'https://status.example.org/openai',
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Slack = { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] };
type Discord = { allowed_mentions: { parse: string[] }; embeds: { title: string; description: string; url: string }[] };
const slackTexts = (m: Slack) => [
  m.text,
  ...m.blocks.flatMap((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text)]),
];

describe('Slack messages', () => {
  it('escape upstream markup: no <!channel>, <@user>, <url|text> or @everyone reaches Slack raw', () => {
    const m = slackMessage(event(HOSTILE)) as Slack;
    const all = slackTexts(m).join('\n');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<@U123>');
    expect(all).not.toContain('<https://evil.example|');
    expect(all).not.toMatch(/@(everyone|here|channel)/);
    expect(all).toContain('&lt;!channel&gt;');
    // The only links are ours and the provider's notice.
    const links = [...all.matchAll(/<([^>|]+)\|/g)].map((x) => x[1]);
    expect(links).toEqual([
      'https://status.example.org/openai',
      'https://status.example.org/openai',
      'https://status.openai.com/incidents/abc',
    ]);
  });

  it('keeps every section within 3,000 characters, cut between graphemes', () => {
    const long = '👩‍👩‍👧‍👦&'.repeat(2000);
    const m = slackMessage(event(long)) as Slack;
    for (const text of slackTexts(m)) {
      expect(text.length).toBeLessThanOrEqual(SLACK_SECTION_MAX_CHARS);
      expect(text).not.toMatch(LONE_SURROGATE);
      // Never cut inside an escape or a family emoji.
      expect(text).not.toMatch(/&(a|am|amp)?…|&amp…/);
    }
    expect(m.text).toMatch(/(👩‍👩‍👧‍👦&amp;)+…$/u);
  });
});

describe('Discord messages', () => {
  it('allow no mentions and escape markdown: no masked link or ping from upstream text', () => {
    const m = discordMessage(event(HOSTILE)) as Discord;
    expect(m.allowed_mentions).toEqual({ parse: [] });
    const [embed] = m.embeds;
    const all = `${embed!.title}\n${embed!.description}`;
    expect(all).not.toContain('[login](');
    expect(all).toContain('\\[login\\]\\(https');
    expect(all).not.toMatch(/@(everyone|here)/);
    expect(all).not.toContain('<@U123>');
    expect(all).not.toContain('**now**');
    // The one masked link is ours: the provider's notice on its status page.
    expect([...all.matchAll(/(?<!\\)\[([^\]]*)\]\(/g)].map((x) => x[1])).toEqual(["Provider's notice"]);
    expect(embed!.url).toBe('https://status.example.org/openai');
  });

  it('keeps the title and description within their limits, cut between graphemes', () => {
    const long = 'é👍🏽_'.repeat(3000);
    const m = discordMessage({ ...event(long), components: [long] }) as Discord;
    const [embed] = m.embeds;
    expect(embed!.title.length).toBeLessThanOrEqual(DISCORD_TITLE_MAX_CHARS);
    expect(embed!.description.length).toBeLessThanOrEqual(DISCORD_DESCRIPTION_MAX_CHARS);
    expect(`${embed!.title}${embed!.description}`).not.toMatch(LONE_SURROGATE);
    // Whole graphemes, and never a backslash without what it escapes.
    expect(embed!.title).toMatch(/(é👍🏽\\_)+(é|é👍🏽)?…$/u);
    expect(embed!.description).toContain("[Provider's notice](<https://status.openai.com/incidents/abc>)");
  });
});

describe('the provider notice link', () => {
  const openai = realCatalog().providerBySlug.get('openai')!;
  const page = new URL(openai.statusPage!.url);
  const site = 'https://status.example.org';

  it("keeps a link on the provider's status page or our site, and replaces any other with the status page", () => {
    expect(noticeLink(`${page.origin}/incidents/x`, openai, site)).toBe(`${page.origin}/incidents/x`);
    expect(noticeLink(`${site}/openai`, openai, site)).toBe(`${site}/openai`);
    for (const other of [
      'https://evil.example/login',
      `https://user:pass@${page.host}/x`,
      `http://${page.host}/x`,
      'javascript:alert(1)',
      'not a url',
    ])
      expect(noticeLink(other, openai, site)).toBe(`${page.origin}/`);
    expect(noticeLink(null, openai, site)).toBeNull();
  });
});
