// Test helpers: the repo copies of the vectors (never ../shared) and small independent reference code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParseLimits, SsdpMessage } from '../src/index.ts';

export const VECTOR_DIR = join(import.meta.dirname, 'vectors');
export const INVALID_DIR = join(VECTOR_DIR, 'invalid');

export interface Vector {
  readonly name: string;
  readonly bytes: Uint8Array;
}

function readVectors(dir: string): Vector[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.bin'))
    .map((file) => file.slice(0, -4))
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, `${name}.bin`))) }));
}

/** The real captures. */
export const VALID_VECTORS: readonly Vector[] = readVectors(VECTOR_DIR);
/** The hand-made invalid datagrams. */
export const INVALID_VECTORS: readonly Vector[] = readVectors(INVALID_DIR);

export function readExpected<T>(dir: string, name: string): T {
  return JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as T;
}

export interface InvalidExpectation {
  readonly description: string;
  readonly code: string;
  readonly offset: number | null;
  readonly limits?: Partial<ParseLimits>;
}

/** A message (plain, or a view through its toJSON) as the fixtures store it: undefined as null, dates as ISO strings. */
export function snapshot(message: SsdpMessage): unknown {
  return JSON.parse(JSON.stringify(message, (_key, value: unknown) => (value === undefined ? null : value)));
}

/**
 * An independent, deliberately naive header splitter used to cross-check the parser on well-formed input:
 * split on LF, drop one trailing CR, stop at the first empty line, split at the first colon, trim blanks.
 */
export function naiveHeaders(bytes: Uint8Array): { name: string; value: string }[] {
  const lines = Buffer.from(bytes).toString('utf8').split('\n').slice(1);
  const headers: { name: string; value: string }[] = [];
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') break;
    const colon = line.indexOf(':');
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

export const bytesOf = (value: string): Uint8Array => new Uint8Array(Buffer.from(value, 'utf8'));
