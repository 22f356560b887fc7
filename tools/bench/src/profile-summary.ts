// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and source line, hottest first.
// Run: node --import tsx tools/bench/src/profile-summary.ts <file.cpuprofile> [--top N] [--filter text] [--map F]
// tsx minifies whitespace, so a profile taken under tsx puts every function on line 1. For lines, profile the
// esbuild bundle (`nx run bench:codec-bundled` writes tmp/bench/codec.mjs and its .map) and pass --map: the
// bundle's positions are then mapped back to the TypeScript sources with node:module's SourceMap.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly hitCount?: number;
  readonly children?: readonly number[];
  readonly positionTicks?: readonly { readonly line: number; readonly ticks: number }[];
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  /** µs between samples (the first from startTime). */
  readonly timeDeltas?: readonly number[];
}

export interface HotSpot {
  /** `function (file:line)`; line is 1-based, the function's first line. */
  readonly where: string;
  readonly selfTicks: number;
  readonly share: number;
  /** Hottest lines inside the function (1-based), when V8 recorded them. */
  readonly lines: readonly { readonly line: string; readonly ticks: number }[];
}

function shortUrl(url: string): string {
  const index = url.search(/\/(packages|tools|node_modules)\//);
  return index >= 0 ? url.slice(index + 1) : url.replace(/^file:\/\//, '');
}

/** Maps a position in a generated file (0-based line and column) to its source, `file:line` (1-based). */
export interface PositionMapper {
  readonly url: string;
  map(line: number, column: number): { readonly file: string; readonly line: number } | undefined;
}

/** A mapper for a bundle and its source map (`<bundle>.map`, as esbuild --sourcemap writes it). */
export function sourceMapMapper(bundlePath: string, mapPath: string = `${bundlePath}.map`): PositionMapper {
  const payload = JSON.parse(readFileSync(mapPath, 'utf8')) as ConstructorParameters<typeof SourceMap>[0];
  const sourceMap = new SourceMap(payload);
  const lines = readFileSync(bundlePath, 'utf8').split('\n');
  const base = dirname(resolve(mapPath));
  return {
    url: pathToFileURL(resolve(bundlePath)).href,
    map(line, column) {
      // positionTicks carry no column: take the line's first non-blank character.
      const text = lines[line] ?? '';
      const at = column >= 0 ? column : Math.max(0, text.search(/\S/));
      const entry = sourceMap.findEntry(line, at) as { originalSource?: string; originalLine?: number };
      if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
      return { file: shortUrl(resolve(base, entry.originalSource)), line: entry.originalLine + 1 };
    },
  };
}

/** Self ticks per function (merged across call paths), with per-line ticks. */
export function hotSpots(profile: CpuProfile, mapper?: PositionMapper): HotSpot[] {
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const byFunction = new Map<string, { ticks: number; lines: Map<string, number> }>();
  for (const node of profile.nodes) {
    const ticks = node.hitCount ?? 0;
    if (ticks === 0) continue;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const mapped = mapper !== undefined && url === mapper.url;
    const origin = mapped ? mapper.map(lineNumber, columnNumber) : undefined;
    const place =
      url === ''
        ? 'native'
        : origin !== undefined
          ? `${origin.file}:${origin.line}`
          : `${shortUrl(url)}:${lineNumber + 1}`;
    const where = `${functionName || '(anonymous)'} (${place})`;
    const entry = byFunction.get(where) ?? { ticks: 0, lines: new Map<string, number>() };
    entry.ticks += ticks;
    for (const { line, ticks: lineTicks } of node.positionTicks ?? []) {
      const lineOrigin = mapped ? mapper.map(line - 1, -1) : undefined;
      const key = lineOrigin !== undefined ? `${lineOrigin.file.split('/').pop()}:${lineOrigin.line}` : `L${line}`;
      entry.lines.set(key, (entry.lines.get(key) ?? 0) + lineTicks);
    }
    byFunction.set(where, entry);
  }
  return [...byFunction.entries()]
    .map(([where, { ticks, lines }]) => ({
      where,
      selfTicks: ticks,
      share: total === 0 ? 0 : ticks / total,
      lines: [...lines.entries()].map(([line, t]) => ({ line, ticks: t })).sort((a, b) => b.ticks - a.ticks),
    }))
    .sort((a, b) => b.selfTicks - a.selfTicks);
}

/** Sample times in ms from the profile's start. */
function sampleTimes(profile: CpuProfile): number[] {
  const times: number[] = [];
  let at = 0;
  for (const delta of profile.timeDeltas ?? []) {
    at += delta / 1000;
    times.push(at);
  }
  return times;
}

/** When (ms from the profile's start) a function named `name` was first on a sampled stack; undefined if never. */
export function firstSampleOf(profile: CpuProfile, name: string): number | undefined {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const times = sampleTimes(profile);
  for (let i = 0; i < profile.samples.length; i += 1) {
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      if (byId.get(id)?.callFrame.functionName === name) return times[i];
    }
  }
  return undefined;
}

/** hotSpots() of the samples taken between `fromMs` and `toMs` (from the profile's start) only. */
export function hotSpotsBetween(profile: CpuProfile, fromMs: number, toMs: number, mapper?: PositionMapper): HotSpot[] {
  const times = sampleTimes(profile);
  const hits = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    const at = times[i]!;
    if (at >= fromMs && at <= toMs) hits.set(id, (hits.get(id) ?? 0) + 1);
  });
  const nodes = profile.nodes.map((node) => ({ ...node, hitCount: hits.get(node.id) ?? 0, positionTicks: [] }));
  return hotSpots({ ...profile, nodes }, mapper);
}

function main(argv: readonly string[]): void {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { top: { type: 'string' }, filter: { type: 'string' }, map: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1)
    throw new Error('usage: profile-summary <file.cpuprofile> [--top N] [--filter text] [--map bundle.mjs]');
  const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as CpuProfile;
  const top = Number(values.top ?? 30);
  const mapper = values.map === undefined ? undefined : sourceMapMapper(values.map);
  const spots = hotSpots(profile, mapper).filter(
    (spot) => values.filter === undefined || spot.where.includes(values.filter),
  );
  for (const spot of spots.slice(0, top)) {
    const lines = spot.lines
      .slice(0, 5)
      .map((l) => `${l.line}×${l.ticks}`)
      .join(' ');
    process.stdout.write(
      `${(spot.share * 100).toFixed(1).padStart(5)}%  ${String(spot.selfTicks).padStart(6)}  ${spot.where}  ${lines}\n`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`profile-summary: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
