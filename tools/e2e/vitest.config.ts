import { defineConfig } from 'vitest/config';

// `nx run e2e:test` (and so `npm test`): quick unit tests of the suites' helpers; no root, no network.
export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    passWithNoTests: false,
  },
});
