// Benchmark 1, codec throughput: our parseMessageView (and the plain parseMessage)/serializeMessage against node-ssdp's and @achingbrain/ssdp's
// parsing paths and a latin1+split floor, over the real captured datagrams. Run: `nx run bench:codec`.
// Options: --rounds N, --round-ms N, --slices N, --warmup-ms N, --only a,b (contenders named a or b, else whose name contains a or b),
// --name NAME (result file name, default codec), --no-write (print only).
import { parseArgs } from 'node:util';
import { integerOption, listOption, outputOptions, OUTPUT_OPTIONS } from './bench-options.ts';
import { runRounds, type RoundsResult } from './harness.ts';
import { describeCommand, describeMachine, describeRevision } from './machine.ts';
import { findWorkspaceRoot, writeResults } from './results.ts';
import { loadCorpus, TRAFFIC_WEIGHTS, vectorsDirectory } from './corpus.ts';
import { codecMarkdown, codecRatios, type CodecNames } from './codec/codec-report.ts';
import type { CodecContender } from './codec/codec-contender.ts';
import { createOursBareParse, createOursParse, createOursPlainParse, createOursSerialize } from './codec/ours.ts';
import { createNodeSsdpParse, createNodeSsdpSerialize } from './codec/node-ssdp.ts';
import { createAchingbrainParse } from './codec/achingbrain.ts';
import { createFloorParse } from './codec/floor.ts';

interface CliOptions {
  readonly rounds: number;
  readonly roundMs: number;
  readonly warmupMs: number;
  readonly slices: number;
  readonly only: readonly string[];
  readonly name: string;
  readonly write: boolean;
}

function readOptions(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string' },
      'round-ms': { type: 'string' },
      'warmup-ms': { type: 'string' },
      slices: { type: 'string' },
      only: { type: 'string' },
      ...OUTPUT_OPTIONS,
    },
    strict: true,
  });
  const output = outputOptions(values, 'codec');
  return {
    rounds: integerOption(values.rounds, 15, '--rounds'),
    roundMs: integerOption(values['round-ms'], 250, '--round-ms'),
    warmupMs: integerOption(values['warmup-ms'], 500, '--warmup-ms'),
    slices: integerOption(values.slices, 10, '--slices'),
    only: values.only === undefined ? [] : listOption(values.only),
    name: output.name,
    // A filtered run is for profiling: it does not overwrite the committed full result unless named.
    write: output.write && (values.only === undefined || values.name !== undefined),
  };
}

/** `--only` parts match a contender name exactly when some contender has that name, else as a substring. */
function selected(
  contenders: CodecContender[],
  only: readonly string[],
  allNames: ReadonlySet<string>,
): CodecContender[] {
  if (only.length === 0) return contenders;
  const matches = (name: string, part: string): boolean => (allNames.has(part) ? name === part : name.includes(part));
  return contenders.filter((c) => only.some((part) => matches(c.name, part)));
}

function measure(label: string, contenders: CodecContender[], options: CliOptions): RoundsResult {
  if (contenders.length === 0) {
    return {
      rounds: options.rounds,
      roundMs: options.roundMs,
      slices: options.slices,
      warmupMs: options.warmupMs,
      warmupRounds: 1,
      contenders: [],
    };
  }
  process.stderr.write(`${label}: ${contenders.map((c) => c.name).join(', ')}\n`);
  return runRounds(contenders, {
    rounds: options.rounds,
    roundMs: options.roundMs,
    slices: options.slices,
    warmupMs: options.warmupMs,
    onRound: (round) => process.stderr.write(`  round ${round + 1}/${options.rounds}\n`),
  });
}

function main(options: CliOptions): void {
  const root = findWorkspaceRoot();
  const machine = describeMachine();
  const command = describeCommand(root);
  const revision = describeRevision(root, ['packages/protocol/src', 'tools/bench/src']);
  const corpus = loadCorpus(vectorsDirectory(root), { weights: TRAFFIC_WEIGHTS });
  const { sequence } = corpus;

  const allParse = [
    createOursParse(sequence),
    createOursPlainParse(sequence),
    createOursBareParse(sequence),
    createNodeSsdpParse(sequence),
    createAchingbrainParse(sequence),
    createFloorParse(sequence),
  ];
  const allSerialize = [createOursSerialize(sequence), createNodeSsdpSerialize(sequence)];
  const allNames = new Set([...allParse, ...allSerialize].map((c) => c.name));
  const parseContenders = selected(allParse, options.only, allNames);
  const serializeContenders = selected(allSerialize, options.only, allNames);
  const all = [...parseContenders, ...serializeContenders];
  const names: CodecNames = {
    ours: 'ours',
    oursBare: 'ours (no field read)',
    oursPlain: 'ours: plain parseMessage',
    libraries: ['node-ssdp 4.0.1', '@achingbrain/ssdp 4.2.4'],
    floor: 'floor',
    oursSerialize: 'ours: serializeMessage',
    librarySerialize: 'node-ssdp 4.0.1: SsdpHeader#toBuffer',
  };

  const parse = measure('parse', parseContenders, options);
  const serialize = measure('serialize', serializeContenders, options);
  const ratios = codecRatios({ names, parse, serialize });
  const input = {
    names,
    how: new Map(all.map((c) => [c.name, c.how])),
    parse,
    serialize,
    corpus,
    machine,
    command,
    revision,
    date: new Date().toISOString(),
  };
  const markdown = codecMarkdown(input, ratios);
  process.stdout.write(`${markdown}\n`);

  if (options.write) {
    const json = {
      benchmark: 'codec',
      date: input.date,
      command,
      revision,
      machine,
      method: {
        rounds: options.rounds,
        roundMs: options.roundMs,
        slices: options.slices,
        warmupMs: options.warmupMs,
        warmupRounds: 1,
        forcedGc: false,
        primaryClock: 'process CPU time (process.cpuUsage, user + system)',
      },
      corpus: {
        directory: 'packages/protocol/test/vectors',
        length: sequence.length,
        weights: TRAFFIC_WEIGHTS,
        achievedWeights: corpus.achievedWeights,
        entries: corpus.entries.map((e) => ({ file: e.file, kind: e.kind, bytes: e.bytes.length, copies: e.copies })),
      },
      parse: parse.contenders.map((c) => ({ ...c, how: input.how.get(c.name) })),
      serialize: serialize.contenders.map((c) => ({ ...c, how: input.how.get(c.name) })),
      ratios,
    };
    const [jsonPath] = writeResults(options.name, json, markdown);
    process.stderr.write(`wrote ${jsonPath} and .md\n`);
  }
  const missed = ratios.filter((r) => r.target !== undefined && !r.target.met);
  if (missed.length > 0) process.stderr.write(`targets missed: ${missed.map((r) => r.label).join('; ')}\n`);
}

let options: CliOptions;
try {
  options = readOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench codec: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
main(options);
