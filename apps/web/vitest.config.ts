import { defineProject } from 'vitest/config';

// Unit tests of the app's pure logic (main suite). The browser tests are *.itest.ts in
// e2e/, run by the root vitest.integration.config.ts.
export default defineProject({
  test: {
    name: 'web',
    include: ['src/**/*.test.ts', 'build/**/*.test.ts'],
  },
});
