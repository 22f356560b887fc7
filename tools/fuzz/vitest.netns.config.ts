import { defineConfig } from 'vitest/config';

// The namespace fault checks (nx run fuzz:faults, part of fuzz:ci): real ssdp-device / ssdp-controller processes
// in throwaway network namespaces. One file at a time: each spawns several Node processes on a 2-core machine.
// The timeouts only keep a stuck child from hanging CI; no test asserts a speed.
export default defineConfig({
  test: {
    include: ['netns-test/**/*.spec.ts'],
    passWithNoTests: false,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
