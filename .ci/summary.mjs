// Prints "N passed, N failed[, N skipped]" from vitest's JSON report. A run that died before
// the report was written (install or build failure) counts as one failure.
import { existsSync, readFileSync } from 'node:fs';

const [file, status] = process.argv.slice(2);
if (!existsSync(file)) {
  console.log(`0 passed, 1 failed (no test report: install or build failed, exit ${status})`);
  process.exit(0);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
let failed = report.numFailedTests ?? 0;
// A suite that failed to load has no failed tests but must not read as green.
failed += (report.numFailedTestSuites ?? 0) > 0 && failed === 0 ? report.numFailedTestSuites : 0;
console.log(
  `${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
