// Preloaded (NODE_OPTIONS --import) into the CLI processes that tests spawn during a mutation
// run: writes the mutants the process reached to RNNKIT_MUTATION_COVERAGE_DIR on exit, so the
// test that spawned it counts as covering them (see child-setup.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

process.on('exit', () => {
  const dir = process.env.RNNKIT_MUTATION_COVERAGE_DIR;
  const coverage = globalThis.__stryker__?.mutantCoverage;
  if (!dir || !coverage) return;
  const hits = { ...coverage.static };
  for (const perTest of Object.values(coverage.perTest ?? {})) Object.assign(hits, perTest);
  try {
    writeFileSync(join(dir, `${process.pid}-${Date.now()}.json`), JSON.stringify(hits));
  } catch {
    // The test may already have removed the folder; coverage is best effort.
  }
});
