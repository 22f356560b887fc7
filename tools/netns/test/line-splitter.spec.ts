import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../src/line-splitter.ts';

describe('line splitter', () => {
  it('joins lines split across chunks, strips CR, and flushes the last partial line on end', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    splitter.push('{"event":"a"}\r\n{"ev');
    splitter.push('ent":"b"}\n\npartial');
    expect(lines).toEqual(['{"event":"a"}', '{"event":"b"}', '']);
    splitter.end();
    expect(lines.at(-1)).toBe('partial');
  });
});
