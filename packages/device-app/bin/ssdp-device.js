#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx registers its loader in this process, so
// signals reach main.ts unchanged.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
