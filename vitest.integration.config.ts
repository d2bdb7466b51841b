import { defineConfig } from 'vitest/config';

// The slow suites, outside `pnpm test`: the PyTorch round trip (needs Debian's python3-torch)
// the consumer test (packs every package and installs it from npm in a temp project) and the
// API reference build.
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
