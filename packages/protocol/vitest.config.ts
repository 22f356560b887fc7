import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    passWithNoTests: false,
    // The property suites run ~190,000 cases; on a loaded shared machine one can exceed the 5 s default.
    testTimeout: 60_000,
  },
});
