// History bars and /accountability in Chromium: the last 30 days at 8 px a bar or more on a phone, the 90 on a desktop,
// and the accountability tables as lists of labelled figures on a phone, never scrolling sideways.
/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/app.ts';
import { seedHistory } from '../helpers/seed.ts';
import { launchChromium, serveApp, type Browser } from './chromium.ts';

let browser: Browser;
let harness: Harness;
let origin: string;

beforeAll(async () => {
  // Twenty days of history for Anthropic and nothing else: every other provider reads "—".
  ({ harness, origin } = await serveApp((h) => seedHistory(h.store, 'anthropic', h.clock.now)));
  browser = await launchChromium();
}, 60_000);
afterAll(() => Promise.all([browser?.close(), harness?.close()]));

async function open(path: string, width: number) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 812 });
  expect((await page.goto(`${origin}${path}`, { waitUntil: 'load' }))?.status()).toBe(200);
  return page;
}

/** The drawn bars of the API: how many days the visible drawing holds and one day's width in pixels. */
const visibleBars = () => {
  const svg = Array.from(document.querySelectorAll<SVGSVGElement>('#history figure:first-of-type svg')).find(
    (s) => s.getBoundingClientRect().width > 0,
  )!;
  const unit = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const dash = svg.querySelector('path')!.getAttribute('stroke-dasharray')!.split(' ').map(Number);
  const [, bar, gap] = dash as [number, number, number];
  return { days: (svg.viewBox.baseVal.width + gap) / (bar + gap), barPx: bar * unit };
};

describe('history bars', () => {
  for (const path of ['/anthropic', '/anthropic/history']) {
    for (const width of [320, 375]) {
      it(`${path} at ${width} px: the last 30 days, each bar at least 8 px`, async () => {
        const page = await open(path, width);
        const bars = await page.evaluate(visibleBars);
        expect(bars.days).toBe(30);
        expect(bars.barPx).toBeGreaterThanOrEqual(8);
        await page.close();
      });
    }
    it(`${path} at 1280 px: all 90 days`, async () => {
      const page = await open(path, 1280);
      expect((await page.evaluate(visibleBars)).days).toBe(90);
      await page.close();
    });
  }
});

describe('/accountability on a phone', () => {
  for (const width of [320, 375]) {
    it(`at ${width} px lists each provider's figures with their heads and never scrolls sideways`, async () => {
      const page = await open('/accountability', width);
      const layout = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        boxes: Array.from(document.querySelectorAll('.table-scroll')).map((b) => b.scrollWidth - b.clientWidth),
        head: getComputedStyle(document.querySelector('.accountability td[data-head]')!, '::before').content,
      }));
      expect(layout.scroll).toBeLessThanOrEqual(layout.client);
      expect(layout.boxes.every((overflow) => overflow <= 0)).toBe(true);
      expect(layout.head).toMatch(/^"(Never posted|Median lag): "$/);
      await page.close();
    });
  }
});
