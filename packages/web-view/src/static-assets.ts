// The page's files (index.html, app.css, app.js, favicon.svg), read once into memory from dist/assets (built by
// scripts/build-assets.ts) and served by exact path only: no directory walking, no file system access per request.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

const FILES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/app.css': 'app.css',
  '/app.js': 'app.js',
  '/favicon.svg': 'favicon.svg',
};

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

/** dist/assets next to the built module; from the sources (tests), the package's dist/assets. */
function assetDirectory(): URL {
  const candidates = [new URL('./assets/', import.meta.url), new URL('../dist/assets/', import.meta.url)];
  const found = candidates.find((dir) => existsSync(fileURLToPath(new URL('index.html', dir))));
  if (found === undefined)
    throw new Error('the web view assets are missing: build @ssdp/web-view (nx run web-view:build)');
  return found;
}

let cache: ReadonlyMap<string, StaticAsset> | undefined;

export function loadStaticAssets(): ReadonlyMap<string, StaticAsset> {
  if (cache !== undefined) return cache;
  const dir = assetDirectory();
  const assets = new Map<string, StaticAsset>();
  for (const [route, file] of Object.entries(FILES)) {
    const body = readFileSync(new URL(file, dir));
    const extension = file.slice(file.lastIndexOf('.') + 1);
    assets.set(route, {
      body,
      contentType: TYPES[extension] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    });
  }
  cache = assets;
  return assets;
}
