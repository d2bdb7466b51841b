// Test file order for `pnpm test:mutation`. Stryker stops a mutant's run at its first failing
// test, so the files that fail soonest should run first: projects by `sequence.groupOrder`
// (the in-process CLI tests, then the trainer's), and within one the files that took least time
// last run first, files not yet timed last (vitest's own order is the reverse: slowest first).
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export class FastFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const duration = (spec: TestSpecification) => {
      const key = `${spec.project.name}:${relative(this.ctx.config.root, spec.moduleId)}`;
      return this.ctx.cache.getFileTestResults(key)?.duration ?? Number.POSITIVE_INFINITY;
    };
    return [...files].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        duration(a) - duration(b) ||
        0,
    );
  }
}
