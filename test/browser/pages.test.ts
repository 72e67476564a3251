// The site in headless Chromium at phone and desktop widths, light and dark: fit, stability, accessibility, no errors,
// keyboard focus and the filter form without JavaScript. Screenshots go to test/screenshots/.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Harness } from '../helpers/app.ts';
import { seedHistory, seedScenario } from '../helpers/seed.ts';
import {
  VIEWPORTS,
  describeViolations,
  launchChromium,
  layoutShift,
  runAxe,
  serveApp,
  watchProblems,
  type Browser,
  type Scheme,
  type ViewportName,
} from './chromium.ts';

const SCREENSHOTS = 'test/screenshots';
const PAGES = [
  { name: 'home', path: '/' },
  { name: 'dashboard', path: '/anthropic' },
  { name: 'auth-error', path: '/anthropic/error/auth-error' },
  { name: 'accountability', path: '/accountability' },
  { name: 'history', path: '/anthropic/history' },
] as const;
const VARIANTS = (Object.keys(VIEWPORTS) as ViewportName[]).flatMap((viewport) =>
  (['light', 'dark'] as Scheme[]).map((scheme) => ({ viewport, scheme })),
);
const CASES = PAGES.flatMap((page) => VARIANTS.map((variant) => ({ ...page, ...variant })));

let browser: Browser;
let harness: Harness;
let origin: string;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  ({ harness, origin } = await serveApp(async (h) => {
    await seedScenario(h.store, h.clock.now);
    await seedHistory(h.store, 'anthropic', h.clock.now);
  }));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

async function open(path: string, viewport: ViewportName, scheme: Scheme): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  const problems = watchProblems(page);
  await page.setViewportSize(VIEWPORTS[viewport]);
  await page.emulateMedia({ colorScheme: scheme });
  const response = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  return { page, problems };
}

describe.each(CASES)('$name at $viewport width, $scheme', ({ name, path, viewport, scheme }) => {
  it('renders without console errors or failed requests, fits the width, and passes axe-core', async () => {
    const { page, problems } = await open(path, viewport, scheme);
    try {
      await page.screenshot({ path: `${SCREENSHOTS}/${name}-${viewport}-${scheme}.png`, fullPage: true });
      const widths = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(widths.scroll, 'horizontal scroll').toBeLessThanOrEqual(widths.client);
      expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(scheme === 'dark');
      expect(await layoutShift(page), 'layout shift').toBeLessThan(0.001);

      const violations = await runAxe(page);
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious, describeViolations(serious)).toEqual([]);
      const contrast = violations.filter((v) => v.id === 'color-contrast');
      expect(contrast, describeViolations(contrast)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('keyboard', () => {
  it.each(['light', 'dark'] as Scheme[])(
    'shows a visible focus ring on the skip link and the next links (%s)',
    async (scheme) => {
      const { page, problems } = await open('/anthropic/error/auth-error', 'phone', scheme);
      try {
        const focused = async () =>
          page.evaluate(() => {
            const el = document.activeElement as HTMLElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {
              text: el.textContent?.trim(),
              outlineStyle: style.outlineStyle,
              outlineWidth: parseFloat(style.outlineWidth),
              onScreen: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0 && box.right <= innerWidth,
            };
          });
        const steps = [];
        for (let i = 0; i < 3; i += 1) {
          await page.keyboard.press('Tab');
          steps.push(await focused());
        }
        expect(steps.map((step) => step.text)).toEqual(['Skip to content', 'AI API Status', 'All providers']);
        for (const step of steps) {
          expect(step.outlineStyle, step.text).not.toBe('none');
          expect(step.outlineWidth, step.text).toBeGreaterThanOrEqual(2);
          expect(step.onScreen, step.text).toBe(true);
        }
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Enter');
        await page.waitForURL(/#main$/);
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );
});

describe('without JavaScript', () => {
  it('filters the provider list with the plain HTML form', async () => {
    const page = await browser.context.newPage();
    const problems = watchProblems(page);
    try {
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
      await page.setViewportSize(VIEWPORTS.phone);
      await page.goto(`${origin}/`, { waitUntil: 'load' });
      await page.getByLabel('Filter providers by name').fill('claude');
      await Promise.all([
        page.waitForURL(/\/\?q=claude$/, { waitUntil: 'load' }),
        page.getByRole('button', { name: 'Filter' }).click(),
      ]);
      const rows = await page.locator('table.providers tbody td.name > a').allTextContents();
      expect(rows).toEqual(['Anthropic']);
      await page.screenshot({ path: `${SCREENSHOTS}/home-filtered-phone-light.png`, fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
