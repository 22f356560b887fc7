import { defineConfig } from 'vitest/config';

// Correctness tests of the harness, statistics, corpus and contender wiring only: no timing assertions.
export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    passWithNoTests: false,
  },
});
