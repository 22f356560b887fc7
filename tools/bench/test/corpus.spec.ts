import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apportion, classifyDatagram, loadCorpus, TRAFFIC_WEIGHTS, vectorsDirectory } from '../src/corpus.ts';
import { findWorkspaceRoot } from '../src/results.ts';

const vectors = vectorsDirectory(findWorkspaceRoot());
const realCaptures = readdirSync(vectors).filter((file) => file.endsWith('.bin'));

describe('loadCorpus on the project vectors', () => {
  const corpus = loadCorpus(vectors);

  it('takes every real capture and none of the invalid ones', () => {
    expect(realCaptures.length).toBeGreaterThanOrEqual(10);
    expect(corpus.entries.map((e) => e.file).sort()).toEqual([...realCaptures].sort());
    const invalid = readdirSync(join(vectors, 'invalid')).filter((file) => file.endsWith('.bin'));
    expect(invalid.length).toBeGreaterThan(0);
    for (const file of invalid) expect(corpus.entries.some((e) => e.file === file)).toBe(false);
  });

  it('classifies by start line', () => {
    for (const entry of corpus.entries) {
      const start = entry.bytes.toString('latin1', 0, 9);
      if (entry.kind === 'notify') expect(start).toMatch(/^NOTIFY /);
      if (entry.kind === 'm-search') expect(start).toBe('M-SEARCH ');
      if (entry.kind === 'search-response') expect(start).toMatch(/^HTTP\/1\.[01] /);
    }
  });

  it('hits the traffic weights (45% NOTIFY, 40% 200 OK, 15% M-SEARCH) in a sequence of 600', () => {
    expect(TRAFFIC_WEIGHTS).toEqual({ notify: 0.45, 'search-response': 0.4, 'm-search': 0.15 });
    expect(corpus.sequence).toHaveLength(600);
    expect(corpus.achievedWeights.notify).toBeCloseTo(0.45, 2);
    expect(corpus.achievedWeights['search-response']).toBeCloseTo(0.4, 2);
    expect(corpus.achievedWeights['m-search']).toBeCloseTo(0.15, 2);
    const notifies = corpus.sequence.filter((bytes) => classifyDatagram(bytes) === 'notify').length;
    expect(notifies / corpus.sequence.length).toBe(corpus.achievedWeights.notify);
  });

  it('gives every capture of a kind the same share, and every capture at least one copy', () => {
    for (const kind of ['notify', 'search-response', 'm-search'] as const) {
      const copies = corpus.entries.filter((e) => e.kind === kind).map((e) => e.copies);
      expect(Math.max(...copies) - Math.min(...copies)).toBeLessThanOrEqual(1);
      expect(Math.min(...copies)).toBeGreaterThan(0);
    }
    for (const entry of corpus.entries) {
      expect(corpus.sequence.filter((bytes) => bytes === entry.bytes)).toHaveLength(entry.copies);
    }
  });

  it('shuffles deterministically by seed', () => {
    const again = loadCorpus(vectors);
    const other = loadCorpus(vectors, { seed: 2 });
    const files = (c: typeof corpus) => c.sequence.map((bytes) => c.entries.find((e) => e.bytes === bytes)!.file);
    expect(files(again)).toEqual(files(corpus));
    expect(files(other)).not.toEqual(files(corpus));
    // Shuffled, not grouped by kind: the first 30 are not all one kind.
    expect(new Set(corpus.sequence.slice(0, 30).map((bytes) => classifyDatagram(bytes))).size).toBeGreaterThan(1);
  });
});

describe('loadCorpus errors', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const makeDir = (files: Record<string, string>): string => {
    dir = mkdtempSync(join(tmpdir(), 'bench-corpus-'));
    mkdirSync(join(dir, 'invalid'));
    writeFileSync(join(dir, 'invalid', 'junk.bin'), 'GARBAGE');
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('refuses a top-level datagram that is no SSDP message', () => {
    const d = makeDir({ 'a.bin': 'NOTIFY * HTTP/1.1\r\n\r\n', 'b.bin': 'GET / HTTP/1.1\r\n\r\n' });
    expect(() => loadCorpus(d, { weights: { notify: 1, 'search-response': 0, 'm-search': 0 } })).toThrow(/b\.bin/);
  });

  it('refuses a weighted kind without a vector, and weights that do not sum to 1', () => {
    const d = makeDir({ 'a.bin': 'NOTIFY * HTTP/1.1\r\n\r\n', 'note.txt': 'not a datagram' });
    expect(() => loadCorpus(d)).toThrow(/no search-response vector/);
    expect(() => loadCorpus(d, { weights: { notify: 0.5, 'search-response': 0, 'm-search': 0 } })).toThrow(/sum to 1/);
    const only = loadCorpus(d, { weights: { notify: 1, 'search-response': 0, 'm-search': 0 }, length: 7 });
    expect(only.entries.map((e) => e.file)).toEqual(['a.bin']);
    expect(only.sequence).toHaveLength(7);
  });
});

describe('apportion', () => {
  it('splits exactly, largest remainder first', () => {
    expect(apportion(600, [0.45, 0.4, 0.15])).toEqual([270, 240, 90]);
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [0, 1])).toEqual([0, 7]);
    expect(apportion(5, [1, 1, 1, 1, 1, 1]).reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('rejects shares without a positive sum', () => {
    expect(() => apportion(3, [0, 0])).toThrow(RangeError);
  });
});
