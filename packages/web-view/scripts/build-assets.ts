// Build step of the page: bundles client/main.ts (and what it imports) into dist/assets/app.js with esbuild, and
// copies the static files (index.html, app.css, favicon.svg) next to it. No third-party code goes into the page.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const out = `${root}dist/assets/`;
mkdirSync(out, { recursive: true });
for (const file of readdirSync(`${root}assets`)) copyFileSync(`${root}assets/${file}`, `${out}${file}`);
await build({
  entryPoints: [`${root}client/main.ts`],
  outfile: `${out}app.js`,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
