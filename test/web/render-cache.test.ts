// The render cache: one render per data version (at most every few seconds), and refreshes of unchanged pages
// (their relative times) rendered while the old copy is still served.
import { describe, expect, it } from 'vitest';
import { createRenderCache, PAGE_MIN_AGE_MS, PAGE_REFRESH_MS, PAGE_STALE_MS } from '../../src/web/http/render-cache.ts';

const TYPE = 'text/html; charset=utf-8';

describe('render cache', () => {
  it('renders once per version, and a changed version waits for its new render', async () => {
    const cache = createRenderCache();
    let renders = 0;
    const render = () => `page ${(renders += 1)}`;
    expect(String((await cache.get('k', 1, 0, TYPE, render)).body)).toBe('page 1');
    expect(String((await cache.get('k', 1, 100, TYPE, render)).body)).toBe('page 1');
    expect(String((await cache.get('k', 2, PAGE_MIN_AGE_MS, TYPE, render)).body)).toBe('page 2');
    expect(renders).toBe(2);
  });

  it('serves an unchanged page as it is while its refresh renders, then the refreshed one', async () => {
    const cache = createRenderCache();
    let release: (text: string) => void = () => undefined;
    await cache.get('k', 1, 0, TYPE, () => 'first');
    const slow = () => new Promise<string>((resolve) => (release = resolve));
    const during = await cache.get('k', 1, PAGE_REFRESH_MS, TYPE, slow);
    expect(String(during.body)).toBe('first');
    release('second');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(String((await cache.get('k', 1, PAGE_REFRESH_MS + 1, TYPE, () => 'third')).body)).toBe('second');
  });

  it('waits for the render when the served copy would be too old', async () => {
    const cache = createRenderCache();
    await cache.get('k', 1, 0, TYPE, () => 'first');
    const page = await cache.get('k', 1, PAGE_STALE_MS, TYPE, async () => 'fresh');
    expect(String(page.body)).toBe('fresh');
  });
});
