import { createRequire } from 'node:module';

/** This package's version (--version). Read at run time: works from src/ and dist/. */
export const version: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
