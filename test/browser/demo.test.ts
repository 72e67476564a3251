// The demo world in headless Chromium: every scenario's dashboard, auth-error page and is-it-down page at 375 and 1280
// px, light and dark (screenshots in test/screenshots/), answering on the first phone screen, chart text readable on a
// phone, no sideways scroll at 320 px, no console errors, and no serious accessibility violation.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCENARIOS } from '../../src/demo/world.ts';
import { startDemo, type Demo } from '../helpers/demo.ts';
import {
  VIEWPORTS,
  describeViolations,
  launchChromium,
  runAxe,
  watchProblems,
  type Browser,
  type Scheme,
  type ViewportName,
} from './chromium.ts';

const SCREENSHOTS = 'test/screenshots';
const FAMILIES = [
  { family: 'dashboard', path: (slug: string) => `/${slug}` },
  { family: 'auth-error', path: (slug: string) => `/${slug}/error/auth-error` },
  { family: 'is-it-down', path: (slug: string) => `/${slug}/is-it-down` },
] as const;
const CASES = SCENARIOS.flatMap((s) =>
  FAMILIES.map((f) => ({ scenario: s.name, family: f.family, path: f.path(s.slug) })),
);

let demo: Demo;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  demo = await startDemo();
  browser = await launchChromium();
  await demo.settled();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function open(path: string, width = VIEWPORTS.phone.width, height = VIEWPORTS.phone.height) {
  const page = await browser.context.newPage();
  const problems = watchProblems(page);
  await page.setViewportSize({ width, height });
  const response = await page.goto(`${demo.origin}${path}`, { waitUntil: 'load' });
  expect(response?.status(), path).toBe(200);
  return { page, problems };
}

const sidewaysScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe.each(CASES)('$scenario: $family', ({ scenario, family, path }) => {
  it('answers on the first phone screen, reads at 375 and 1280 px, light and dark, no sideways scroll', async () => {
    const { page, problems } = await open(path);
    try {
      for (const viewport of Object.keys(VIEWPORTS) as ViewportName[])
        for (const scheme of ['light', 'dark'] as Scheme[]) {
          await page.setViewportSize(VIEWPORTS[viewport]);
          await page.emulateMedia({ colorScheme: scheme });
          await page.screenshot({
            path: `${SCREENSHOTS}/demo-${scenario}-${family}-${viewport}-${scheme}.png`,
            fullPage: true,
          });
        }
      const wide: string[] = [];
      for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
        await page.setViewportSize(VIEWPORTS[viewport]);
        if ((await sidewaysScroll(page)) > 0) wide.push(viewport);
      }
      expect(wide, 'scrolls sideways').toEqual([]);
      await page.setViewportSize(VIEWPORTS.phone);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.screenshot({ path: `${SCREENSHOTS}/demo-${scenario}-${family}-phone-first-screen.png` });
      // The first screen (375×812) holds the level, the verdict or answer, the incident driving the level (when one
      // is open), and one line per signal.
      const answer = await page.evaluate(() => {
        const bottom = (selector: string) =>
          Array.from(document.querySelectorAll(selector)).map((el) => el.getBoundingClientRect().bottom);
        return {
          level: bottom('#answer .answer-level .badge'),
          verdict: bottom('#answer .verdict, #answer .lede'),
          lines: bottom('#answer .signal-lines > li'),
          driver: bottom('#answer .driver a'),
        };
      });
      expect(answer.level.length, 'level').toBeGreaterThan(0);
      expect(answer.lines, 'one line per signal').toHaveLength(3);
      if (family !== 'dashboard') expect(answer.verdict.length, 'verdict').toBe(1);
      if (scenario === 'api-incident') expect(answer.driver, 'the driving incident').toHaveLength(1);
      for (const bottom of [...answer.level, ...answer.verdict, ...answer.lines, ...answer.driver])
        expect(bottom, 'within the first 812 px').toBeLessThanOrEqual(VIEWPORTS.phone.height);

      // Chart text is at least 11 CSS px on a 375 px screen.
      const smallest = await page.evaluate(() =>
        Math.min(
          Infinity,
          ...Array.from(document.querySelectorAll('svg text')).map((el) => {
            const text = el as SVGTextElement;
            const scale = text.getScreenCTM()?.a ?? 1;
            return parseFloat(getComputedStyle(text).fontSize) * scale;
          }),
        ),
      );
      expect(smallest, 'chart text in CSS px').toBeGreaterThanOrEqual(11);

      await page.setViewportSize({ width: 320, height: 640 });
      expect(await sidewaysScroll(page), '320 px').toBeLessThanOrEqual(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('every page family at 320 px', () => {
  it('never scrolls sideways', async () => {
    const slug = SCENARIOS[0]!.slug;
    const paths = [
      '/',
      '/errors',
      '/errors/auth-error',
      '/diagnose',
      '/methodology',
      '/accountability',
      '/api',
      ...SCENARIOS.flatMap((s) => FAMILIES.map((f) => f.path(s.slug))),
      `/${slug}/error/rate-limit`,
      '/writesonic/error/auth-error',
    ];
    const page = await browser.context.newPage();
    try {
      await page.setViewportSize({ width: 320, height: 640 });
      const wide: string[] = [];
      for (const path of paths) {
        await page.goto(`${demo.origin}${path}`, { waitUntil: 'load' });
        if ((await sidewaysScroll(page)) > 0) wide.push(path);
      }
      expect(wide).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('accessibility of the scenario pages', () => {
  it.each(['light', 'dark'] as Scheme[])('has no serious violation on the API incident pages (%s)', async (scheme) => {
    const scenario = SCENARIOS.find((s) => s.name === 'api-incident')!;
    for (const f of FAMILIES) {
      const { page } = await open(f.path(scenario.slug));
      try {
        await page.emulateMedia({ colorScheme: scheme });
        const violations = await runAxe(page);
        const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(serious, describeViolations(serious)).toEqual([]);
      } finally {
        await page.close();
      }
    }
  });
});
