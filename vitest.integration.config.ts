import { defineConfig } from 'vitest/config';

// The slow suites, outside `pnpm test`: the PyTorch round trip (needs Debian's python3-torch)
// the consumer test (packs every package and installs it from npm in a temp project), the
// API reference build, apps/web's browser tests and the trainer's workers in a browser (Debian's
// Chromium).
// .ci/run adds this report to the main one in its summary line.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'pytorch',
          root: 'packages/trainer',
          include: ['src/**/*.itest.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'consumer',
          root: 'integration',
          include: ['consumer.itest.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          // The app in Debian's Chromium, against its production build (apps/web/e2e).
          name: 'web',
          root: 'apps/web',
          include: ['e2e/**/*.itest.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // rnnkit's data-parallel workers in Debian's Chromium (apps/bench/browser/workers.mjs).
          name: 'bench-browser',
          root: 'apps/bench',
          include: ['browser/**/*.itest.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'release',
          root: 'integration',
          include: ['release.itest.ts'],
          testTimeout: 300_000,
        },
      },
    ],
    reporters: ['default', ['json', { outputFile: '.vitest-integration-report.json' }]],
  },
});
