// The bundle's loader takes the code cache beside it only when the bundle is not newer than the cache.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheFileOf, usableCache } from '../src/boot.ts';

const dir = mkdtempSync(join(tmpdir(), 'boot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the code cache beside a bundle', () => {
  const bundle = join(dir, 'server.cjs');
  const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

  it('is read when it was made after the bundle', () => {
    writeFileSync(bundle, '(function () {})');
    writeFileSync(cacheFileOf(bundle), 'cache');
    at(bundle, 1_000);
    at(cacheFileOf(bundle), 2_000);
    expect(usableCache(bundle)?.toString()).toBe('cache');
  });

  it('is left alone when the bundle changed after it', () => {
    at(bundle, 3_000);
    expect(usableCache(bundle)).toBeUndefined();
  });

  it('is simply absent when there is none', () => {
    rmSync(cacheFileOf(bundle));
    expect(usableCache(bundle)).toBeUndefined();
  });
});
