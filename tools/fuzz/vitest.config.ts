import { defineConfig } from 'vitest/config';

// Unit tests of the generators, the oracle and the accounting only (fast, no namespaces, no timing targets).
// The namespace checks run through `nx run fuzz:faults` / `fuzz:ci` (vitest.netns.config.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    passWithNoTests: false,
    // Not a speed target: only so a loaded shared machine does not turn a slow run into a failure.
    testTimeout: 60_000,
  },
});
