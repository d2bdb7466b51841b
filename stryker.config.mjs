// Mutation testing, on demand: `pnpm test:mutation` (not in `pnpm test` or .ci/run). Scope: the
// trainer's training loop, data, sampling and checkpoint code, and the CLI's option parsing
// and checkpoint/model file writing. Globs use **/ so files moved into folders stay in scope.
// The build runs in Stryker's sandbox after instrumentation, so the CLI processes the tests
// spawn run the mutated code too (mutation/child-setup.ts passes them the active mutant).
const trainer = (name) => `packages/trainer/src/**/${name}.ts`;
const cli = (name) => `apps/cli/src/**/${name}.ts`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'mutation/vitest.config.ts' },
  coverageAnalysis: 'perTest',
  // Error message wording is not behaviour; leaving it out keeps the run under an hour.
  mutator: { excludedMutations: ['StringLiteral'] },
  ignoreStatic: true,
  concurrency: 1,
  timeoutMS: 30_000,
  mutate: [
    // training loop
    trainer('train-loop'),
    trainer('trainer'),
    trainer('create-trainer'),
    trainer('resume-trainer'),
    trainer('train-config'),
    trainer('trainer-state'),
    trainer('trainer-snapshot'),
    // data
    trainer('split-text'),
    trainer('text-streams'),
    trainer('evaluate'),
    // sampling
    trainer('sampling'),
    trainer('sampler'),
    trainer('text-generator'),
    // checkpoints
    trainer('serialize-checkpoint'),
    trainer('deserialize-checkpoint'),
    trainer('load-char-lm'),
    // CLI options and files
    cli('options'),
    cli('number-option'),
    cli('train-options'),
    cli('checkpoint-files'),
    cli('model-files'),
  ],
  buildCommand: 'node mutation/build.mjs',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
};
