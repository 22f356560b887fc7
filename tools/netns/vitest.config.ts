import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    passWithNoTests: false,
    // Namespaces, bridges and peer processes take a moment to set up (a peer process starts in ~1 s when idle,
    // but a CI machine running other suites can take ten times that): bounds for a loaded machine, not targets.
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
