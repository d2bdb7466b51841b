// Vitest setup for `pnpm test:mutation` only. Worker threads and child processes a test starts
// run the built code outside Stryker's runner: this passes the active mutant to them (the
// instrumented code reads __STRYKER_ACTIVE_MUTANT__) and credits the mutants child processes
// reach to the test that spawned them, so perTest coverage selects that test for those mutants.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, inject } from 'vitest';

interface StrykerNamespace {
  activeMutant?: string;
  currentTestId?: string;
  mutantCoverage?: {
    static: Record<string, number>;
    perTest: Record<string, Record<string, number>>;
  };
}
const g = globalThis as { __stryker__?: StrykerNamespace };
g.__stryker__ ??= {};
const ns = g.__stryker__;
const preload = fileURLToPath(new URL('./child-coverage.mjs', import.meta.url));
const dir = join(tmpdir(), `rnnkit-mutation-${process.pid}`);

// The id Stryker's own setup gives a test: read in beforeEach (its beforeEach runs first), or
// else computed from the task as its toRawTestId does.
const separator = (() => {
  try {
    return (inject('testNameSeparator' as never) as string | undefined) ?? ' ';
  } catch {
    return ' ';
  }
})();
let current: string | undefined; // Stryker's id for the running test, set by its beforeEach
interface Task {
  name: string;
  suite?: Task;
  file?: { filepath?: string };
}
function testId(task: Task): string {
  const names = [task.name];
  for (let s = task.suite; s; s = s.suite) names.unshift(s.name);
  return `${task.file?.filepath ?? 'unknown.js'}#${names.join(separator).trim()}`;
}

beforeEach(() => {
  current = ns.currentTestId;
  mkdirSync(dir, { recursive: true });
  process.env.RNNKIT_MUTATION_COVERAGE_DIR = dir;
  if (!(process.env.NODE_OPTIONS ?? '').includes(preload)) {
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=${preload}`.trim();
  }
  if (ns.activeMutant === undefined) delete process.env.__STRYKER_ACTIVE_MUTANT__;
  else process.env.__STRYKER_ACTIVE_MUTANT__ = String(ns.activeMutant);
});

afterEach(({ task }) => {
  const files = readdirSync(dir);
  // Only while Stryker measures coverage (no active mutant).
  if (ns.activeMutant === undefined && files.length > 0) {
    ns.mutantCoverage ??= { static: {}, perTest: {} };
    const id = current ?? testId(task as unknown as Task);
    ns.mutantCoverage.perTest[id] ??= {};
    const mine = ns.mutantCoverage.perTest[id];
    for (const file of files) {
      const hits = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, number>;
      for (const [id, n] of Object.entries(hits)) mine[id] = (mine[id] ?? 0) + n;
    }
  }
  for (const file of files) rmSync(join(dir, file), { force: true });
});
