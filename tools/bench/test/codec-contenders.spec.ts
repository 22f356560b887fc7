// The contenders must really handle every datagram the way their library does: each one reports how many of the
// fields it read were present, which must match the vector's own header list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '@ssdp/protocol';
import { loadCorpus, vectorsDirectory, type DatagramKind } from '../src/corpus.ts';
import { findWorkspaceRoot } from '../src/results.ts';
import { FIELDS_READ, loopContender } from '../src/codec/codec-contender.ts';
import { createOursSerialize, touchOurs, touchOursBare, touchOursPlain } from '../src/codec/ours.ts';
import { createNodeSsdpSerialize, createNodeSsdpTouch } from '../src/codec/node-ssdp.ts';
import { createAchingbrainTouch } from '../src/codec/achingbrain.ts';
import { touchFloor } from '../src/codec/floor.ts';

const vectors = vectorsDirectory(findWorkspaceRoot());
const corpus = loadCorpus(vectors);

interface Expected {
  readonly headers: { readonly name: string }[];
  readonly [field: string]: unknown;
}

function expected(file: string): Expected {
  return JSON.parse(readFileSync(join(vectors, file.replace(/\.bin$/, '.expected.json')), 'utf8')) as Expected;
}

/** The libraries see raw headers: how many of the read headers the datagram carries. */
function headersPresent(file: string, kind: DatagramKind): number {
  const names = new Set(expected(file).headers.map((h) => h.name.toUpperCase()));
  return FIELDS_READ[kind].filter((name) => names.has(name)).length;
}

/** Ours reads typed fields, undefined for an invalid value (e.g. the prototype's `ST: null`): count them from the vector's expected typed view. */
function typedPresent(file: string, kind: DatagramKind): number {
  const view = expected(file);
  return FIELDS_READ[kind].filter((name) => {
    const value = view[name.toLowerCase()];
    return value !== null && value !== undefined;
  }).length;
}

describe('codec contenders see every datagram', () => {
  const nodeSsdp = createNodeSsdpTouch();
  const achingbrain = createAchingbrainTouch();

  it.each(corpus.entries.map((e) => [e.file, e] as const))('%s', (_file, entry) => {
    const present = headersPresent(entry.file, entry.kind);
    expect(present).toBeGreaterThan(0);
    expect(touchOurs(entry.bytes)).toBe(typedPresent(entry.file, entry.kind));
    expect(touchOursPlain(entry.bytes)).toBe(typedPresent(entry.file, entry.kind));
    expect(touchOursBare(entry.bytes)).toBe(1);
    expect(nodeSsdp(entry.bytes)).toBe(present);
    expect(achingbrain(entry.bytes)).toBe(present);
    expect(touchFloor(entry.bytes)).toBe(entry.bytes.toString('latin1').split('\r\n').length);
  });

  it('node-ssdp and achingbrain report -1 when their handler does not fire', () => {
    const junk = Buffer.from('HELLO * HTTP/1.1\r\n\r\n');
    expect(nodeSsdp(junk)).toBe(-1);
    expect(achingbrain(Buffer.from('HTTP/1.1 404 Not Found\r\n\r\n'))).toBe(-1);
    expect(touchOurs(junk)).toBe(-1);
  });
});

describe('serialize contenders', () => {
  it('ours writes datagrams that parse back to the same kind', () => {
    const contender = createOursSerialize(corpus.sequence);
    for (const entry of corpus.entries) {
      const size = contender.touch(entry.bytes);
      expect(size).toBeGreaterThan(50);
      const original = parseMessage(entry.bytes);
      expect(original.ok).toBe(true);
    }
    expect(contender.run(corpus.sequence.length)).toBeGreaterThan(corpus.sequence.length * 50);
  });

  it('node-ssdp rebuilds a datagram of each capture', () => {
    const contender = createNodeSsdpSerialize(corpus.sequence);
    for (const entry of corpus.entries) expect(contender.touch(entry.bytes)).toBeGreaterThan(30);
  });
});

describe('loopContender', () => {
  it('walks the sequence in order across batches and wraps around', () => {
    const seen: string[] = [];
    const sequence = ['a', 'b', 'c'].map((s) => Buffer.from(s));
    const contender = loopContender('x', 'test', sequence, (bytes) => {
      seen.push(bytes.toString());
      return 2;
    });
    expect(contender.run(2)).toBe(4);
    expect(contender.run(3)).toBe(6);
    expect(seen.join('')).toBe('abcab');
  });

  it('refuses an empty sequence', () => {
    expect(() => loopContender('x', 'test', [], () => 0)).toThrow(RangeError);
  });
});
