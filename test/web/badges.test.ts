// SVG badges: image/svg+xml with a short cache lifetime, well-formed and accessible, the level written on them,
// colours with enough contrast, hostile names escaped, unknown names 404.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEVELS, MAIN_DOCUMENT } from '../../src/domain.ts';
import { BADGE_COLOURS, BADGE_LABEL_COLOUR, BADGE_TEXT_COLOUR, badgeView } from '../../src/web/machine/badge.ts';
import { T0, createHarness, type Harness } from '../helpers/app.ts';
import { seedScenario } from '../helpers/seed.ts';
import { children, parseXml } from '../helpers/xml.ts';
import { confirmLevel } from '../../src/status/damping.ts';

const SVG = 'http://www.w3.org/2000/svg';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(() => h.close());

const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers });

function readBadge(body: string) {
  const svg = parseXml(body).documentElement!;
  expect(svg.namespaceURI).toBe(SVG);
  expect(svg.localName).toBe('svg');
  expect(svg.getAttribute('role')).toBe('img');
  const title = children(svg, SVG, 'title')[0]?.textContent;
  expect(svg.getAttribute('aria-label')).toBe(title);
  const texts = Array.from(svg.getElementsByTagNameNS(SVG, 'text')).map((t) => t.textContent);
  const rects = Array.from(svg.getElementsByTagNameNS(SVG, 'rect'));
  return { title, texts, width: Number(svg.getAttribute('width')), fills: rects.map((r) => r.getAttribute('fill')) };
}

/** WCAG relative luminance and contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5]
      .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('provider badge', () => {
  it('shows the headline level as an accessible SVG with a short cache lifetime', async () => {
    await seedScenario(h.store, T0);
    const res = await get('/anthropic/badge.svg');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=60');
    const badge = readBadge(res.body);
    expect(badge.title).toBe('Anthropic: Major Outage');
    expect(badge.texts).toEqual(['Anthropic', 'Major Outage']);
    expect(badge.fills).toContain(BADGE_COLOURS.major_outage);
    expect(readBadge((await get('/openai/badge.svg')).body).title).toBe('OpenAI: Operational');
    expect(readBadge((await get('/mistral/badge.svg')).body).title).toBe('Mistral AI: Unknown');
  });

  it('changes when the data does, and answers 304 while it has not', async () => {
    const first = await get('/openai/badge.svg');
    expect(readBadge(first.body).title).toBe('OpenAI: Unknown');
    expect((await get('/openai/badge.svg', { 'if-none-match': first.headers.etag as string })).statusCode).toBe(304);
    h.clock.now = T0 + 2000;
    await seedScenario(h.store, h.clock.now);
    const second = await get('/openai/badge.svg', { 'if-none-match': first.headers.etag as string });
    expect(second.statusCode).toBe(200);
    expect(readBadge(second.body).title).toBe('OpenAI: Operational');
  });

  it('is 404 for an unknown provider', async () => {
    expect((await get('/nope/badge.svg')).statusCode).toBe(404);
  });
});

describe('component badge', () => {
  it('shows one component by its name in lower case, words joined by "-"', async () => {
    await seedScenario(h.store, T0);
    const badge = readBadge((await get('/anthropic/components/claude-api-api-anthropic-com/badge.svg')).body);
    expect(badge.title).toBe('Anthropic Claude API (api.anthropic.com): Major Outage');
    expect(readBadge((await get('/anthropic/components/claude-code/badge.svg')).body).title).toBe(
      'Anthropic Claude Code: Degraded',
    );
  });

  it('says Unknown for catalog components before the first poll and when the official reading is stale', async () => {
    expect(readBadge((await get('/anthropic/components/claude-code/badge.svg')).body).title).toBe(
      'Anthropic Claude Code: Unknown',
    );
    await seedScenario(h.store, T0);
    h.clock.now = T0 + 24 * 3_600_000;
    expect(readBadge((await get('/anthropic/components/claude-code/badge.svg')).body).title).toBe(
      'Anthropic Claude Code: Unknown',
    );
  });

  it('is 404 for a component the provider does not have', async () => {
    const res = await get('/anthropic/components/flux-capacitor/badge.svg');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json().detail).toBe('Anthropic has no component "flux-capacitor".');
  });

  it('escapes a hostile component name and keeps the SVG well-formed', async () => {
    const name = '</text><script>alert(1)</script>&\u0002"';
    await h.store.checks.record({
      providerSlug: 'openai',
      document: MAIN_DOCUMENT,
      startedAt: T0 - 1000,
      durationMs: 5,
      outcome: 'ok',
      httpStatus: 200,
      detail: null,
    });
    await h.store.components.applySnapshot(
      'openai',
      [{ key: 'x', name, groupName: null, position: 0, level: 'degraded', rawStatus: null, onlyShowIfDegraded: false }],
      T0 - 1000,
      confirmLevel,
    );
    const res = await get('/openai/components/text-script-alert-1-script/badge.svg');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script');
    const badge = readBadge(res.body);
    expect(badge.texts[0]).toBe('OpenAI </text><script>alert(1)</script>&"');
    expect(badge.texts[1]).toBe('Degraded');
  });
});

describe('badge design', () => {
  it.each(LEVELS)('white text on the %s colour has a contrast of at least 4.5:1', (level) => {
    expect(contrast(BADGE_TEXT_COLOUR, BADGE_COLOURS[level])).toBeGreaterThanOrEqual(4.5);
  });

  it('has a label background with enough contrast too', () => {
    expect(contrast(BADGE_TEXT_COLOUR, BADGE_LABEL_COLOUR)).toBeGreaterThanOrEqual(4.5);
  });

  it('grows with its text and shortens very long labels', () => {
    expect(badgeView('A much longer provider name', 'operational').width).toBeGreaterThan(
      badgeView('xAI', 'operational').width,
    );
    const long = badgeView('x'.repeat(200), 'unknown');
    expect([...long.label]).toHaveLength(48);
    expect(long.label.endsWith('…')).toBe(true);
  });
});
