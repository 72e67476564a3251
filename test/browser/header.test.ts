// The header on a phone in headless Chromium: every link on screen, none cut, with and without JavaScript; times in
// the visitor's zone with our script, UTC without it; a diagnosis lands on the first phone screen.
/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContextOptions } from 'playwright-core';
import type { Harness } from '../helpers/app.ts';
import { recordOfficial } from '../helpers/signals.ts';
import { CHROMIUM_PATH, serveApp } from './chromium.ts';

let browser: Browser;
let harness: Harness;
let origin: string;

beforeAll(async () => {
  ({ harness, origin } = await serveApp((h) => recordOfficial(h.store, 'openai', h.clock.now)));
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

async function open(path: string, options: BrowserContextOptions) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const response = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  return { page, close: () => context.close() };
}

describe.each([320, 375])('at %i px', (width) => {
  it.each([true, false])('shows every header link whole and on screen (JavaScript %s)', async (javaScriptEnabled) => {
    const { page, close } = await open('/openai', { viewport: { width, height: 812 }, javaScriptEnabled });
    try {
      const links = await page.$$eval('.site-header a', (as) =>
        as.map((a) => {
          const r = a.getBoundingClientRect();
          return { text: a.textContent, left: r.left, right: r.right, top: r.top, cut: a.scrollWidth > a.clientWidth };
        }),
      );
      expect(links.map((l) => l.text)).toEqual([
        harness.config.siteName,
        'All providers',
        'Error guides',
        'Diagnose an error',
        'Accountability',
        'How it works',
        'API',
        'Get alerts',
      ]);
      for (const l of links) {
        expect(l.left, l.text).toBeGreaterThanOrEqual(0);
        expect(l.right, l.text).toBeLessThanOrEqual(width);
        expect(l.top, l.text).toBeLessThan(200);
      }
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scroll).toBeLessThanOrEqual(width);
    } finally {
      await close();
    }
  });
});

describe('times', () => {
  const titledTime = 'time[datetime="2026-11-22T11:59:40.000Z"]';

  it("turn to the visitor's zone with our script, keeping UTC in the title", async () => {
    const { page, close } = await open('/openai', { timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
    try {
      await page.waitForSelector('time.local');
      expect(await page.$eval(titledTime, (t) => t.getAttribute('title'))).toMatch(/^22 Nov 2026, 20:59 (GMT\+9|JST)$/);
    } finally {
      await close();
    }
  });

  it('stay UTC without JavaScript', async () => {
    const { page, close } = await open('/openai', { timezoneId: 'Asia/Tokyo', javaScriptEnabled: false });
    try {
      expect(await page.$eval(titledTime, (t) => t.getAttribute('title'))).toBe('22 Nov 2026, 11:59 UTC');
      expect(await page.locator('time.local').count()).toBe(0);
    } finally {
      await close();
    }
  });
});

describe('a diagnosis on a phone', () => {
  it.each([320, 375])('at %i px is on the first screen after submit, its button one whole box', async (width) => {
    const { page, close } = await open('/diagnose', { viewport: { width, height: 812 }, javaScriptEnabled: false });
    try {
      await page.fill(
        '#text',
        "anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': " +
          "'authentication_error', 'message': 'invalid x-api-key'}}",
      );
      await Promise.all([page.waitForURL(/\/diagnose#result$/), page.click('form.diagnose button[type=submit]')]);
      const title = await page.$eval('#result-title', (el) => el.getBoundingClientRect().top);
      expect(title).toBeGreaterThanOrEqual(0);
      expect(title).toBeLessThan(812 / 2);
      const boxes = await page.$eval('#result a.button', (a) => a.getClientRects().length);
      expect(boxes).toBe(1);
    } finally {
      await close();
    }
  });
});
