// Test runner settings: every test under test/, in separate processes (native SQLite bindings, real servers), with
// a real PostgreSQL server for the tests that run on both engines.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
