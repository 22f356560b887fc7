import { defineConfig } from 'vitest/config';

// `nx run mqtt-lab:test` (and so `npm test`): quick unit tests of the lab's helpers; no root, no broker.
export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    passWithNoTests: false,
  },
});
