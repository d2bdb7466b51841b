// Stryker's buildCommand (run in its sandbox, after instrumentation): compiles the mutated
// trainer and CLI, so the CLI processes the tests spawn run the mutants too.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
for (const project of ['packages/trainer/tsconfig.build.json', 'apps/cli/tsconfig.build.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
}
