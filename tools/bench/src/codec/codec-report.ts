// Turns the measured rounds of the codec benchmark into its ratios, target verdicts and Markdown.
import type { CommandInfo, MachineInfo, RevisionInfo } from '../machine.ts';
import type { ContenderResult, RoundsResult } from '../harness.ts';
import { formatRate, formatRatio, markdownTable } from '../markdown.ts';
import { pairedRatios, summarize, type Summary } from '../stats.ts';
import type { Corpus, DatagramKind } from '../corpus.ts';
import { FIELDS_READ } from './codec-contender.ts';

export interface Ratio {
  readonly label: string;
  readonly numerator: string;
  readonly denominator: string;
  /** Per-round ratios of the CPU-time rates: the primary figure (a preempted process accrues no CPU time). */
  readonly perRound: readonly number[];
  readonly summary: Summary;
  /** The same from wall-clock rates, for comparison. */
  readonly wallPerRound: readonly number[];
  readonly wallSummary: Summary;
  /** Judged on the median of the CPU-time ratios. */
  readonly target?: { readonly comparator: '>=' | '<='; readonly threshold: number; readonly met: boolean };
}

export interface CodecNames {
  readonly ours: string;
  readonly oursBare: string;
  /** The plain parseMessage, next to `ours` (the lazy view the engines use). */
  readonly oursPlain?: string;
  readonly libraries: readonly string[];
  readonly floor: string;
  readonly oursSerialize: string;
  readonly librarySerialize?: string;
}

export interface CodecInput {
  readonly names: CodecNames;
  readonly how: ReadonlyMap<string, string>;
  readonly parse: RoundsResult;
  readonly serialize: RoundsResult;
  readonly corpus: Corpus;
  readonly machine: MachineInfo;
  readonly command: CommandInfo;
  readonly revision: RevisionInfo;
  readonly date: string;
}

/** Parse must be at least this many times the faster library. */
export const LIBRARY_TARGET = 5;
/** floor / ours must stay at or below this. */
export const FLOOR_TARGET = 2;

function find(result: RoundsResult, name: string): ContenderResult | undefined {
  return result.contenders.find((c) => c.name === name);
}

function ratio(
  result: RoundsResult,
  numerator: string,
  denominator: string,
  label: string,
  target?: { comparator: '>=' | '<='; threshold: number },
): Ratio | undefined {
  const a = find(result, numerator);
  const b = find(result, denominator);
  if (a === undefined || b === undefined) return undefined;
  const perRound = pairedRatios(a.opsPerCpuSecond, b.opsPerCpuSecond);
  const summary = summarize(perRound);
  const wallPerRound = pairedRatios(a.opsPerSecond, b.opsPerSecond);
  const base = { label, numerator, denominator, perRound, summary, wallPerRound, wallSummary: summarize(wallPerRound) };
  if (target === undefined) return base;
  const met = target.comparator === '>=' ? summary.median >= target.threshold : summary.median <= target.threshold;
  return { ...base, target: { ...target, met } };
}

/** The faster library by median CPU-time rate, among those measured. */
export function fasterLibrary(result: RoundsResult, libraries: readonly string[]): string | undefined {
  let best: ContenderResult | undefined;
  for (const name of libraries) {
    const candidate = find(result, name);
    if (candidate !== undefined && (best === undefined || candidate.cpuSummary.median > best.cpuSummary.median))
      best = candidate;
  }
  return best?.name;
}

/** Every ratio we report; the two with a target come first. Contenders filtered out with --only are skipped. */
export function codecRatios(input: Pick<CodecInput, 'names' | 'parse' | 'serialize'>): Ratio[] {
  const { names, parse, serialize } = input;
  const ratios: (Ratio | undefined)[] = [];
  const faster = fasterLibrary(parse, names.libraries);
  if (faster !== undefined) {
    ratios.push(
      ratio(parse, names.ours, faster, `ours / ${faster} (the faster library)`, {
        comparator: '>=',
        threshold: LIBRARY_TARGET,
      }),
    );
  }
  ratios.push(ratio(parse, names.floor, names.ours, 'floor / ours', { comparator: '<=', threshold: FLOOR_TARGET }));
  for (const library of names.libraries) {
    if (library !== faster) ratios.push(ratio(parse, names.ours, library, `ours / ${library}`));
  }
  ratios.push(ratio(parse, names.floor, names.oursBare, 'floor / ours (no field read)'));
  if (names.oursPlain !== undefined) {
    ratios.push(ratio(parse, names.ours, names.oursPlain, `ours / ${names.oursPlain} (the view's gain)`));
  }
  if (names.librarySerialize !== undefined) {
    ratios.push(
      ratio(serialize, names.oursSerialize, names.librarySerialize, `serialize: ours / ${names.librarySerialize}`),
    );
  }
  return ratios.filter((r): r is Ratio => r !== undefined);
}

const KIND_LABEL: Record<DatagramKind, string> = {
  notify: 'NOTIFY',
  'search-response': '200 OK',
  'm-search': 'M-SEARCH',
};

function percent(share: number): string {
  return `${(share * 100).toFixed(share * 100 === Math.round(share * 100) ? 0 : 1)}%`;
}

function rateRows(result: RoundsResult, reference?: string): string[][] {
  const ref = reference === undefined ? undefined : find(result, reference);
  return result.contenders.map((c) => [
    c.name,
    formatRate(c.cpuSummary.median),
    `${formatRate(c.cpuSummary.min)} – ${formatRate(c.cpuSummary.max)}`,
    `${formatRate(c.cpuSummary.q1)} – ${formatRate(c.cpuSummary.q3)}`,
    formatRate(c.summary.median),
    ref === undefined ? '' : formatRatio(summarize(pairedRatios(c.opsPerCpuSecond, ref.opsPerCpuSecond)).median),
  ]);
}

const RATE_HEADER = ['contender', 'msg/s of CPU (median)', 'min – max', 'IQR', 'msg/s wall (median)', 'vs ours'];
const RATE_ALIGN = ['l', 'r', 'r', 'r', 'r', 'r'] as const;

function howList(result: RoundsResult, how: ReadonlyMap<string, string>): string {
  return result.contenders.map((c) => `- ${c.name}: ${how.get(c.name) ?? ''}`).join('\n');
}

export function codecMarkdown(input: CodecInput, ratios: readonly Ratio[]): string {
  const { machine, command, corpus, parse, serialize, names, how } = input;
  const m = machine;
  const lines: string[] = [];
  lines.push('## Codec throughput', '');
  lines.push(
    `Measured ${input.date} on ${m.cpuModel}, ${m.cores} logical cores (${m.availableParallelism} available), ${m.totalMemoryGiB} GiB, ${m.os}, Node ${m.node} (V8 ${m.v8}); load average at start ${m.loadAverage.join(' / ')}.`,
    '',
  );
  lines.push(
    `Command: \`${command.nx ?? command.node}\`${command.nx === undefined ? '' : ` (runs \`${command.node}\`)`}.`,
    '',
  );
  const { commit, dirty } = input.revision;
  lines.push(
    `Code: ${commit === undefined ? 'not a git checkout' : `commit \`${commit.slice(0, 10)}\``}${dirty.length === 0 ? '' : `, with uncommitted changes in ${dirty.map((p) => `\`${p}\``).join(', ')}`}.`,
    '',
  );
  lines.push(
    `Method: ${parse.rounds} measured rounds, after a ${parse.warmupMs} ms warm-up per contender and ${parse.warmupRounds} discarded round. Each round gives every contender ${parse.roundMs} ms, cut into ${parse.slices} slots that alternate with the other contenders (A B C A B C …, order rotating), each slot a loop of batched calls; no forced GC (a forced full GC deoptimizes the code built on short-lived objects' maps and distorts the next round). Each slot is timed on the wall clock and on this process's CPU time (\`process.cpuUsage()\`, all threads, so GC and JIT work count). The machine is shared, so the primary figure is messages per CPU second (a preempted process accrues none); wall-clock rates are shown next to it. Ratios are taken per round (A_i / B_i) and then summarised: median and min – max over the rounds.`,
    '',
  );

  const kindRows = (['notify', 'search-response', 'm-search'] as const).map((kind) => {
    const entries = corpus.entries.filter((e) => e.kind === kind);
    return [
      KIND_LABEL[kind],
      percent(corpus.achievedWeights[kind]),
      entries.map((e) => `${e.file.replace(/\.bin$/, '')} ×${e.copies}`).join(', '),
      FIELDS_READ[kind].join(', '),
    ];
  });
  lines.push(
    `Corpus: every real datagram in \`packages/protocol/test/vectors/*.bin\` (${corpus.entries.length} captures; \`invalid/\` excluded), repeated to a sequence of ${corpus.sequence.length} with these weights, in a fixed shuffled order; each contender gets the same Buffers, as a socket would hand them over.`,
    '',
  );
  lines.push(
    markdownTable(['kind', 'weight', 'datagrams (copies in the sequence)', 'fields read after parsing'], kindRows),
    '',
  );
  lines.push(
    'Every contender reads the same fields after parsing (counted as present/absent). Ours (`parseMessageView`, the lazy view the engines use): the typed getters `nt`, `nts`, `usn`, `location`, `st`, `mx`, `man`. They are lazy (computed on first read, then cached), so the work they defer is counted here: finding the header, slicing its value, and parsing it (NT/ST into a search target, USN into uuid + target, MX into a validated integer, MAN unquoted and checked). `nts` is set during parsing; `location` is the raw string. The plain `parseMessage` (the public default) computes every field and the header list while parsing, then reads the same properties. The libraries: the plain values on the header object they build (node-ssdp: strings; achingbrain: strings, or numbers where a value looks numeric).',
    '',
  );

  lines.push('### Parse', '');
  lines.push(markdownTable(RATE_HEADER, rateRows(parse, names.ours), RATE_ALIGN), '');
  lines.push(howList(parse, how), '');
  lines.push('### Serialize', '');
  lines.push(markdownTable(RATE_HEADER, rateRows(serialize, names.oursSerialize), RATE_ALIGN), '');
  lines.push(howList(serialize, how), '');
  lines.push(
    "@achingbrain/ssdp's message building is not measured: it happens inside `sendSsdpMessage`, per socket, inside a Promise around `socket.send`, with no function that only builds the bytes.",
    '',
  );
  lines.push('### Ratios and targets', '');
  lines.push(
    markdownTable(
      ['ratio (per round, then median)', 'median (CPU time)', 'min – max', 'median (wall)', 'target', 'met'],
      ratios.map((r) => [
        r.label,
        formatRatio(r.summary.median),
        `${formatRatio(r.summary.min)} – ${formatRatio(r.summary.max)}`,
        formatRatio(r.wallSummary.median),
        r.target === undefined
          ? '(informational)'
          : `${r.target.comparator === '>=' ? '≥' : '≤'} ${r.target.threshold}×`,
        r.target === undefined ? '' : r.target.met ? '**yes**' : '**no**',
      ]),
      ['l', 'r', 'r', 'r', 'l', 'l'],
    ),
    '',
  );
  return lines.join('\n');
}
