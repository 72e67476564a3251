// Test runner settings: every test under test/, in separate processes (native SQLite bindings, real servers). Two
// projects: `unit`, the pure tests that load neither the app nor a database nor start a server (`npm run test:unit`,
// seconds), and `integration`, the rest, with a real PostgreSQL server for the tests that run on both engines.
import { defineConfig } from 'vitest/config';

/** Pure tests: their imports reach no app, store, database driver or server; any other test is integration. */
const UNIT_TESTS = [
  'test/assessment/errors.test.ts',
  'test/diagnose/match.test.ts',
  'test/diagnose/redact.test.ts',
  'test/helpers/xml.test.ts',
  'test/web/structure.test.ts',
  'test/jobs/lanes.test.ts',
  'test/jobs/scheduler-close.test.ts',
  'test/jobs/scheduler.test.ts',
  'test/notify/changes.test.ts',
  'test/notify/messages.test.ts',
  'test/probes/baseline.test.ts',
  'test/probes/catalog.test.ts',
  'test/probes/classify.test.ts',
  'test/probes/signature.test.ts',
  'test/process/boot-imports.test.ts',
  'test/sources/adapters.test.ts',
  'test/sources/addresses.test.ts',
  'test/sources/current-surfaces.test.ts',
  'test/sources/statuspage.test.ts',
  'test/status/accountability.test.ts',
  'test/status/assess.test.ts',
  'test/status/community-allocations.test.ts',
  'test/status/correlation.test.ts',
  'test/status/damping.test.ts',
  'test/status/detection.test.ts',
  'test/status/down-answer.test.ts',
  'test/status/frozen.test.ts',
  'test/status/headline.test.ts',
  'test/status/history.test.ts',
  'test/status/models.test.ts',
  'test/status/probe-reading.test.ts',
  'test/status/probe-verdict.test.ts',
  'test/status/probe.test.ts',
  'test/status/regions.test.ts',
  'test/status/scope.test.ts',
  'test/status/trouble.test.ts',
  'test/status/verdict-auth.test.ts',
  'test/status/verdict.test.ts',
  'test/web/accountability.test.ts',
  'test/web/incident-view.test.ts',
  'test/web/render-cache.test.ts',
  'test/web/reports-keys.test.ts',
  'test/web/security-headers.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT_TESTS } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: UNIT_TESTS,
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
