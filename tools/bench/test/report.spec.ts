import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RoundsResult } from '../src/harness.ts';
import { formatRate, formatRatio, markdownTable } from '../src/markdown.ts';
import { findWorkspaceRoot, writeResults } from '../src/results.ts';
import { summarize } from '../src/stats.ts';
import { codecMarkdown, codecRatios, fasterLibrary, type CodecNames } from '../src/codec/codec-report.ts';
import { loadCorpus, vectorsDirectory } from '../src/corpus.ts';
import { describeCommand, describeMachine, describeRevision } from '../src/machine.ts';
import { hotSpots } from '../src/profile-summary.ts';

describe('markdown', () => {
  it('draws a table with right-aligned columns and escaped pipes', () => {
    expect(markdownTable(['a', 'b'], [['x|y', '1']], ['l', 'r'])).toBe('| a | b |\n| --- | ---: |\n| x\\|y | 1 |');
    expect(() => markdownTable(['a'], [['1', '2']])).toThrow(RangeError);
  });

  it('formats rates and ratios', () => {
    expect(formatRate(1_234_567)).toBe('1.23 M');
    expect(formatRate(456_700)).toBe('457 k');
    expect(formatRate(789)).toBe('789');
    expect(formatRatio(5.214)).toBe('5.21×');
    expect(formatRatio(12.34)).toBe('12.3×');
  });
});

function contender(name: string, wall: number[], cpu: number[] = wall) {
  return {
    name,
    opsPerSecond: wall,
    opsPerCpuSecond: cpu,
    summary: summarize(wall),
    cpuSummary: summarize(cpu),
    batch: 1,
    checksum: 0,
  };
}

const names: CodecNames = {
  ours: 'ours',
  oursBare: 'bare',
  libraries: ['libA', 'libB'],
  floor: 'floor',
  oursSerialize: 'ser',
  librarySerialize: 'libSer',
};

function rounds(contenders: ReturnType<typeof contender>[]): RoundsResult {
  return { rounds: 3, roundMs: 10, slices: 2, warmupMs: 1, warmupRounds: 1, contenders };
}

describe('codec ratios and targets', () => {
  const parse = rounds([
    contender('ours', [600, 300, 630], [610, 600, 620]),
    contender('bare', [1000, 1000, 1000]),
    contender('libA', [100, 50, 110], [100, 100, 100]),
    contender('libB', [90, 90, 90], [110, 120, 115]),
    contender('floor', [1000, 600, 1200], [1100, 1100, 1100]),
  ]);
  const serialize = rounds([contender('ser', [10, 10, 10]), contender('libSer', [20, 20, 20])]);

  it('picks the faster library by its median CPU-time rate', () => {
    expect(fasterLibrary(parse, names.libraries)).toBe('libB');
    expect(fasterLibrary(parse, ['nope'])).toBeUndefined();
  });

  it('judges both targets on per-round CPU-time ratios, and keeps the wall ratios', () => {
    const ratios = codecRatios({ names, parse, serialize });
    const library = ratios[0]!;
    expect(library.label).toContain('libB');
    expect(library.perRound).toEqual([610 / 110, 600 / 120, 620 / 115]);
    expect(library.summary.median).toBeCloseTo(620 / 115, 10);
    expect(library.target).toEqual({ comparator: '>=', threshold: 5, met: true });
    expect(library.wallPerRound).toEqual([600 / 90, 300 / 90, 630 / 90]);
    const floor = ratios[1]!;
    expect(floor.label).toBe('floor / ours');
    expect(floor.summary.median).toBeCloseTo(1100 / 610, 10);
    expect(floor.target?.met).toBe(true);
    expect(ratios.map((r) => r.label)).toContain('ours / libA');
    expect(ratios.find((r) => r.label.startsWith('serialize'))!.summary.median).toBe(0.5);
  });

  it('says no when a target is missed', () => {
    const slow = rounds([
      contender('ours', [200, 200, 200]),
      contender('libA', [100, 100, 100]),
      contender('floor', [1000, 1000, 1000]),
    ]);
    const ratios = codecRatios({ names, parse: slow, serialize: rounds([]) });
    expect(ratios[0]!.target?.met).toBe(false);
    expect(ratios[1]!.summary.median).toBe(5);
    expect(ratios[1]!.target?.met).toBe(false);
  });

  it('skips ratios whose contenders were filtered out', () => {
    const ratios = codecRatios({ names, parse: rounds([contender('ours', [1, 1, 1])]), serialize: rounds([]) });
    expect(ratios).toEqual([]);
  });

  it('renders the machine, command, corpus weights, rates, and verdicts', () => {
    const corpus = loadCorpus(vectorsDirectory(findWorkspaceRoot()));
    const input = {
      names,
      how: new Map([['ours', 'parseMessage']]),
      parse,
      serialize,
      corpus,
      machine: describeMachine(),
      command: { nx: 'nx run bench:codec', node: 'node --import tsx tools/bench/src/codec.ts' },
      revision: { commit: '0123456789abcdef', dirty: ['packages/protocol'] },
      date: '2026-01-01T00:00:00.000Z',
    };
    const markdown = codecMarkdown(input, codecRatios(input));
    expect(markdown).toContain('## Codec throughput');
    expect(markdown).toContain(`Node ${process.version}`);
    expect(markdown).toContain('`nx run bench:codec` (runs `node --import tsx tools/bench/src/codec.ts`)');
    expect(markdown).toContain('Code: commit `0123456789`, with uncommitted changes in `packages/protocol`.');
    expect(markdown).toMatch(/\| NOTIFY \| 45% \|/);
    expect(markdown).toMatch(/\| 200 OK \| 40% \|/);
    expect(markdown).toMatch(/\| M-SEARCH \| 15% \|/);
    expect(markdown).toContain('- ours: parseMessage');
    expect(markdown).toMatch(/\| ours \/ libB \(the faster library\) \| 5\.39× \| .* \| ≥ 5× \| \*\*yes\*\* \|/);
  });
});

describe('machine and command', () => {
  it('records cores, CPU model and Node version', () => {
    const machine = describeMachine();
    expect(machine.cores).toBeGreaterThan(0);
    expect(machine.node).toBe(process.version);
    expect(machine.cpuModel.length).toBeGreaterThan(0);
  });

  it('names the Nx target when Nx started the process', () => {
    const saved = { ...process.env };
    try {
      process.env['NX_TASK_TARGET_PROJECT'] = 'bench';
      process.env['NX_TASK_TARGET_TARGET'] = 'codec';
      expect(describeCommand().nx).toBe('nx run bench:codec');
      delete process.env['NX_TASK_TARGET_PROJECT'];
      expect(describeCommand().nx).toBeUndefined();
      expect(describeCommand().node.startsWith('node')).toBe(true);
    } finally {
      process.env = saved;
    }
  });
});

describe('revision', () => {
  it('names HEAD in this checkout, and nothing outside one', () => {
    expect(describeRevision(findWorkspaceRoot(), []).commit).toMatch(/^[0-9a-f]{40}$/);
    expect(describeRevision(tmpdir(), ['x'])).toEqual({ commit: undefined, dirty: [] });
  });
});

describe('writeResults', () => {
  it('writes <name>.json and <name>.md', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    try {
      const [jsonPath, mdPath] = writeResults('codec-test', { a: 1 }, '# hi', dir);
      expect(JSON.parse(readFileSync(jsonPath, 'utf8'))).toEqual({ a: 1 });
      expect(readFileSync(mdPath, 'utf8')).toBe('# hi\n');
      expect(() => writeResults('../escape', {}, '', dir)).toThrow(RangeError);
      expect(existsSync(join(dir, '..', 'escape.json'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the workspace root from the bench sources', () => {
    expect(existsSync(join(findWorkspaceRoot(), 'nx.json'))).toBe(true);
  });
});

describe('profile summary', () => {
  it('sums self ticks per function across call paths, hottest first', () => {
    const frame = (functionName: string, lineNumber: number) => ({
      functionName,
      url: 'file:///w/packages/protocol/src/parse.ts',
      lineNumber,
      columnNumber: 0,
    });
    const spots = hotSpots({
      startTime: 0,
      endTime: 1,
      samples: [],
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0 },
        { id: 2, callFrame: frame('parseText', 121), hitCount: 3, positionTicks: [{ line: 156, ticks: 3 }] },
        {
          id: 3,
          callFrame: frame('parseText', 121),
          hitCount: 2,
          positionTicks: [
            { line: 156, ticks: 1 },
            { line: 179, ticks: 1 },
          ],
        },
        { id: 4, callFrame: frame('isBlank', 59), hitCount: 1 },
      ],
    });
    expect(spots.map((s) => [s.where, s.selfTicks])).toEqual([
      ['parseText (packages/protocol/src/parse.ts:122)', 5],
      ['isBlank (packages/protocol/src/parse.ts:60)', 1],
    ]);
    expect(spots[0]!.share).toBeCloseTo(5 / 6, 10);
    expect(spots[0]!.lines[0]).toEqual({ line: 'L156', ticks: 4 });
  });
});
