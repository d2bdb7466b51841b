// Prints "N passed, N failed[, N skipped]" summed over vitest JSON reports, given as pairs of
// `<report file> <exit status>`. A run that died before its report was written (install or
// build failure) counts as one failure, and so does a run that failed without a failed test.
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const notes = [];
for (let i = 0; i < args.length; i += 2) {
  const [file, status] = [args[i], args[i + 1] ?? '0'];
  if (!existsSync(file)) {
    failed += 1;
    notes.push(`no ${file}: install or build failed, exit ${status}`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  let runFailed = report.numFailedTests ?? 0;
  // A suite that failed to load has no failed tests but must not read as green.
  if (runFailed === 0) runFailed = report.numFailedTestSuites ?? 0;
  if (runFailed === 0 && status !== '0') {
    runFailed = 1;
    notes.push(`${file}: exit ${status} without a failed test`);
  }
  passed += report.numPassedTests ?? 0;
  failed += runFailed;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(
  `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}` +
    (notes.length ? ` (${notes.join('; ')})` : ''),
);
