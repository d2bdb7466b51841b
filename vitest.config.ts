import { defineConfig } from 'vitest/config';

// CI reads the JSON report to print its one-line summary.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
});
