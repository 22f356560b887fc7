import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    passWithNoTests: false,
    // Some tests start a child process (tsx) or real sockets; on a loaded CI machine that alone can take over
    // vitest's default 5 s. A bound for a loaded machine, not a target.
    testTimeout: 60_000,
  },
});
