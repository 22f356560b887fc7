import { defineConfig } from 'vitest/config';

// `nx run mqtt-lab:lab`: the bridge against Debian's mosquitto (scripts/unpack-broker.sh) in network namespaces,
// as root. One file, one lab, run in order.
export default defineConfig({
  test: {
    include: ['lab/**/*.lab.ts'],
    passWithNoTests: false,
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 90_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
    reporters: ['verbose'],
  },
});
