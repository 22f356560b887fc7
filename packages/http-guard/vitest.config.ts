import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    passWithNoTests: false,
    // The tests use real sockets on loopback and wait for deadlines of about 1 s; on a loaded CI machine that
    // alone can take over vitest's default 5 s. A bound for a loaded machine, not a target.
    testTimeout: 30_000,
  },
});
