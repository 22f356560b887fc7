import { defineConfig } from 'vitest/config';

// The end-to-end and interop suites (`nx run e2e:e2e`): real processes in network namespaces, as root.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    passWithNoTests: false,
    pool: 'forks',
    // Each file has its own lab, so files may run side by side; two at a time keeps timing checks honest on a
    // small CI machine.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    reporters: ['verbose'],
  },
});
