// Throwaway timing script (not a test: timings on shared machines are noisy). Compares parseMessage with the
// floor the later benchmark uses, "Buffer latin1 decode + split on CRLF", over the real vectors.
// Run: node --import tsx packages/protocol/bench/parse-bench.ts
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage } from '../src/index.ts';

const dir = join(import.meta.dirname, '../test/vectors');
const vectors = readdirSync(dir)
  .filter((file) => file.endsWith('.bin'))
  .map((file) => new Uint8Array(readFileSync(join(dir, file))));

function floor(bytes: Uint8Array): number {
  return Buffer.from(bytes).toString('latin1').split('\r\n').length;
}

// parseMessage alone: framing, validation, classification (what every received datagram costs).
function ours(bytes: Uint8Array): number {
  const result = parseMessage(bytes);
  return result.ok ? result.message.kind.length : -1;
}

// Plus reading the header list, which cuts the header lines into strings on first access.
function oursHeaders(bytes: Uint8Array): number {
  const result = parseMessage(bytes);
  return result.ok ? result.message.headers.length : -1;
}

// Plus one typed field, which computes the whole typed view (ST/USN/MX rule/...).
function oursTyped(bytes: Uint8Array): number {
  const result = parseMessage(bytes);
  return result.ok ? result.message.problems.length + 1 : -1;
}

function timeNsPerOp(fn: (bytes: Uint8Array) => number, iterations: number): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += fn(vectors[i % vectors.length]!);
  const elapsed = Number(process.hrtime.bigint() - start);
  if (sink === 0) throw new Error('unreachable');
  return elapsed / iterations;
}

const iterations = 300_000;
for (let i = 0; i < 3; i++) {
  timeNsPerOp(floor, iterations / 3);
  timeNsPerOp(ours, iterations / 3);
  timeNsPerOp(oursHeaders, iterations / 3);
  timeNsPerOp(oursTyped, iterations / 3);
}
const floors: number[] = [];
const parses: number[] = [];
const withHeaders: number[] = [];
const typed: number[] = [];
for (let round = 0; round < 7; round++) {
  floors.push(timeNsPerOp(floor, iterations));
  parses.push(timeNsPerOp(ours, iterations));
  withHeaders.push(timeNsPerOp(oursHeaders, iterations));
  typed.push(timeNsPerOp(oursTyped, iterations));
}
const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const f = median(floors);
const p = median(parses);
console.log(`vectors: ${vectors.length}, iterations per round: ${iterations}`);
console.log(`floor (Buffer latin1 + split CRLF): ${f.toFixed(0)} ns/datagram`);
console.log(`parseMessage:                       ${p.toFixed(0)} ns/datagram`);
console.log(`ratio parseMessage / floor:         ${(p / f).toFixed(2)}`);
console.log(`parseMessage + headers:             ${median(withHeaders).toFixed(0)} ns/datagram (informational)`);
console.log(`parseMessage + typed view:          ${median(typed).toFixed(0)} ns/datagram (informational)`);
