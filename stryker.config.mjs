// Mutation testing, on demand: `pnpm test:mutation` (not in `pnpm test` or .ci/run). Scope: the
// trainer's training loop, data, sampling and checkpoint code, and the CLI's option parsing
// and checkpoint/model file writing. Globs use **/ so files moved into folders stay in scope.
// The build runs in Stryker's sandbox after instrumentation, so the trainer's dist (which the
// CLI's tests import, and the parallel trainer's worker threads load) holds the mutants too
// (mutation/child-setup.ts passes the active mutant to workers and child processes).
// Incremental: a rerun tests only mutants whose code or covering tests changed; delete
// reports/mutation/stryker-incremental.json (or pass --force) for a run from scratch.
const trainer = (name) => `packages/trainer/src/**/${name}.ts`;
const cli = (name) => `apps/cli/src/**/${name}.ts`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // related: false, or vitest would run only tests that import a mutated file, and the CLI
  // tests reach the trainer through its built dist, not an import of its source.
  vitest: { configFile: 'mutation/vitest.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // Error message wording is not behaviour; leaving it out keeps the run under an hour.
  mutator: { excludedMutations: ['StringLiteral'] },
  ignoreStatic: true,
  concurrency: 2,
  // A mutant whose tests run 10 s past their usual time loops forever (draw-from-logits' sort
  // loops); waiting longer only slows the run.
  timeoutMS: 10_000,
  mutate: [
    // training loop (train/trainer.ts is the whole Trainer: create, resume, loop, snapshot)
    trainer('trainer'),
    trainer('train-config'),
    // data
    trainer('split-text'),
    trainer('text-streams'),
    trainer('evaluate-text'),
    // sampling
    trainer('draw-from-logits'),
    trainer('sampler'),
    // checkpoints
    trainer('serialize-checkpoint'),
    trainer('deserialize-checkpoint'),
    trainer('checkpoint-folder'),
    // CLI options and checkpoint files
    cli('options'),
    cli('train-options'),
    cli('checkpoint-files'),
  ],
  buildCommand: 'node mutation/build.mjs',
  // event-recorder writes each tested mutant as it goes, so a run stopped early still tells.
  reporters: ['clear-text', 'progress', 'html', 'json', 'event-recorder'],
  eventReporter: { baseDir: 'reports/mutation/events' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
};
