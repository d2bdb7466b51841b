// The vitest projects `pnpm test:mutation` runs against each mutant: the CLI's in-process tests
// of its options and checkpoint files, then the trainer's tests without the seq2seq, interop,
// verify and lecture suites. The CLI tests that spawn the built CLI are left out: a mutant of
// options.ts or checkpoint-files.ts is killed in process in milliseconds, and the spawned ones
// reach every mutant of the scope, so each survivor would rerun them all (a run of hours).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { FastFirstSequencer } from './fast-first-sequencer.js';

const setup = fileURLToPath(new URL('./child-setup.ts', import.meta.url));
const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export default defineConfig({
  test: {
    // This test reads the format's source for Node APIs, and instrumented source names
    // process.env (Stryker's mutant switch): it cannot pass on mutated code.
    testNamePattern: /^(?!.*keeps Node out of the format code)/,
    sequence: { sequencer: FastFirstSequencer },
    projects: [
      {
        test: {
          name: 'cli',
          root: root('apps/cli'),
          include: [
            'src/options.test.ts',
            'src/commands/train/train-options.test.ts',
            'src/files/checkpoint-files.test.ts',
          ],
          sequence: { groupOrder: 0 },
          testTimeout: 60_000,
        },
      },
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
          // Passes the active mutant to the worker threads the parallel trainer starts.
          setupFiles: [setup],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
