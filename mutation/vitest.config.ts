// The smallest vitest projects that cover the mutation scope (stryker.config.mjs): the
// trainer's tests without the seq2seq, interop, verify and lecture suites, and the CLI tests of
// options, defaults, schedules, checkpoint files and bad input. The task demos are left out.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const setup = fileURLToPath(new URL('./child-setup.ts', import.meta.url));
const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export default defineConfig({
  test: {
    // This test reads the format's source for Node APIs, and instrumented source names
    // process.env (Stryker's mutant switch): it cannot pass on mutated code.
    testNamePattern: /^(?!.*keeps Node out of the format code)/,
    projects: [
      {
        test: {
          name: 'trainer',
          root: root('packages/trainer'),
          include: ['src/**/*.test.ts'],
          exclude: [
            '**/node_modules/**',
            'src/**/seq2seq*.test.ts',
            'src/**/files/keras-*.test.ts',
            'src/**/files/layers-*.test.ts',
            'src/**/verify/**',
            'src/**/lecture*.test.ts',
          ],
          setupFiles: [setup],
        },
      },
      {
        test: {
          name: 'cli',
          root: root('apps/cli'),
          // The CLI tests aimed at options, defaults, schedules and checkpoint files; each
          // spawns the CLI, so these few are what a mutant of the CLI's scope is run against.
          include: [
            'src/**/train-defaults.test.ts',
            'src/**/train-schedules.test.ts',
            'src/**/checkpoint-atomic.test.ts',
            'src/**/checkpoint-paths.test.ts',
            'src/**/bad-input.test.ts',
            'src/**/cli.test.ts',
          ],
          setupFiles: [setup],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
