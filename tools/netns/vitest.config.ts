import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    passWithNoTests: false,
    // Namespaces, bridges and peer processes take a moment to set up; keep the whole suite well under a minute.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
