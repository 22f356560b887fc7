import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    passWithNoTests: false,
    // The demo starts four Node processes; on a busy machine that takes a few seconds.
    testTimeout: 60_000,
  },
});
