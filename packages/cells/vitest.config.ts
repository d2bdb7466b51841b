import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cells',
    include: ['src/**/*.test.ts'],
  },
});
