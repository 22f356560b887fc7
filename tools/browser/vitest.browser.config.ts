import { defineConfig } from 'vitest/config';

// `nx run browser:browser`: the web view in Debian's headless Chromium against real devices on loopback. Not part
// of `npm test` (Chromium may be missing there); .ci/run installs Chromium and runs this.
export default defineConfig({
  test: {
    include: ['browser/**/*.browser.ts'],
    passWithNoTests: false,
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['verbose'],
  },
});
