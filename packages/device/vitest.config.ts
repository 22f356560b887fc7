import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    passWithNoTests: false,
    // Not a speed target: the flood and fleet suites push thousands of datagrams through the fake clock, and
    // the machine is shared; this only keeps a slow run from being reported as a failure.
    testTimeout: 60_000,
  },
});
