import { defineConfig } from 'vitest/config';

// Unit tests of the check's pure parts (tarball contents, the fresh package.json, the install audit). The check
// itself is `nx run consumer:check`: it needs the registry, so it runs in .ci/run, not in npm test.
export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    passWithNoTests: false,
  },
});
