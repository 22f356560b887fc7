// Benchmark 5's Markdown: per regime, the share found by each receiver (medians over rounds), ours against the bare
// counter and node-ssdp, the CPU from the search until the receiver was done, the kernel's drops and whether every
// lost datagram was one of them; then the targets, met or not.
import type { CommandInfo, MachineInfo, RevisionInfo } from '../machine.ts';
import { markdownTable } from '../markdown.ts';
import { median } from '../stats.ts';
import { REGIMES, RECEIVER_NAMES, type BurstTrial, type ReceiverName, type RegimeName } from './burst-trial.ts';

export interface BurstReportInput {
  readonly date: string;
  readonly machine: MachineInfo;
  readonly command: CommandInfo;
  readonly revision: RevisionInfo;
  readonly rounds: number;
  readonly mx: number;
  readonly recvBuffer: number;
  readonly priority: number;
  readonly trials: readonly BurstTrial[];
  /** Trials that could not be measured, and why. */
  readonly failures?: readonly string[];
  /** Profile summaries by label ("regime b, 5,000, ours --no-describe"): lines of `share function`. */
  readonly profiles: readonly { readonly label: string; readonly lines: readonly string[] }[];
}

export interface Cell {
  readonly fraction: number;
  readonly found: number;
  readonly cpuMs: number;
  readonly drops: number;
  readonly lost: number;
  readonly exact: boolean;
  readonly described: number | undefined;
  readonly listedAfterMs: number | undefined;
  readonly trials: number;
}

/** Medians over the rounds of one (regime, size, receiver); undefined when it did not run. */
export function cellOf(
  trials: readonly BurstTrial[],
  regime: RegimeName,
  size: number,
  receiver: ReceiverName,
): Cell | undefined {
  const mine = trials.filter((t) => t.regime === regime && t.size === size && t.receiver === receiver);
  if (mine.length === 0) return undefined;
  const describedValues = mine.map((t) => t.described).filter((v): v is number => v !== undefined);
  const listed = mine.map((t) => t.listedAfterMs).filter((v): v is number => v !== undefined);
  return {
    fraction: median(mine.map((t) => t.fraction)),
    found: median(mine.map((t) => t.found)),
    cpuMs: median(mine.map((t) => t.cpuAfterSearchMs)),
    drops: median(mine.map((t) => t.namespaceDrops)),
    lost: median(mine.map((t) => t.lost)),
    exact: mine.every((t) => t.lostIsKernelDrops),
    described: describedValues.length === 0 ? undefined : median(describedValues),
    listedAfterMs: listed.length === 0 ? undefined : Math.max(...listed),
    trials: mine.length,
  };
}

const percent = (value: number): string => `${(value * 100).toFixed(value >= 0.9995 && value < 1 ? 2 : 1)}%`;
const count = (value: number): string => Math.round(value).toLocaleString('en-US');

function sizesOf(trials: readonly BurstTrial[], regime: RegimeName): number[] {
  return [...new Set(trials.filter((t) => t.regime === regime).map((t) => t.size))].sort((a, b) => a - b);
}

export interface TargetCheck {
  readonly what: string;
  readonly met: boolean;
  readonly detail: string;
}

/** The issue's targets against the medians. */
export function checkTargets(trials: readonly BurstTrial[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const a = cellOf(trials, 'a', 5000, 'ours');
  if (a !== undefined) {
    const describedAll = a.described !== undefined && a.described >= a.found;
    const inTime = a.listedAfterMs !== undefined && a.listedAfterMs <= 30_000;
    checks.push({
      what: '(a) 5,000, describe on: >= 99.5% found, all described within 30 s',
      met: a.fraction >= 0.995 && describedAll && inTime,
      detail: `${percent(a.fraction)} found, ${count(a.described ?? 0)} of ${count(a.found)} described, listed ${((a.listedAfterMs ?? Number.NaN) / 1000).toFixed(1)} s after the search`,
    });
  }
  for (const regime of ['b', 'c'] as const) {
    for (const size of sizesOf(trials, regime)) {
      const bare = cellOf(trials, regime, size, 'bare');
      const nodeSsdp = cellOf(trials, regime, size, 'node-ssdp');
      for (const receiver of ['ours-no-describe', 'ours'] as const) {
        const ours = cellOf(trials, regime, size, receiver);
        if (ours === undefined || bare === undefined) continue;
        const ratio = bare.found === 0 ? Number.NaN : ours.found / bare.found;
        const beatsNodeSsdp = nodeSsdp === undefined || ours.found >= nodeSsdp.found;
        checks.push({
          what: `(${regime}) ${count(size)}, ${receiver}: >= 0.95 x bare and >= node-ssdp`,
          met: ratio >= 0.95 && beatsNodeSsdp,
          detail: `${ratio.toFixed(3)} x bare (${count(ours.found)} / ${count(bare.found)}), node-ssdp ${nodeSsdp === undefined ? '-' : count(nodeSsdp.found)}`,
        });
      }
    }
  }
  const inexact = trials.filter((t) => !t.lostIsKernelDrops);
  checks.push({
    what: 'everywhere: lost = kernel-drops, exactly',
    met: inexact.length === 0,
    detail:
      inexact.length === 0
        ? `${trials.length} of ${trials.length} trials`
        : inexact
            .map(
              (t) =>
                `(${t.regime}) ${t.size} ${t.receiver} r${t.round}: lost ${t.lost}, namespace ${t.namespaceDrops}, own ${String(t.kernelDrops)}`,
            )
            .join('; '),
  });
  return checks;
}

function regimeTables(trials: readonly BurstTrial[], regime: RegimeName): string {
  const sizes = sizesOf(trials, regime);
  const receivers = RECEIVER_NAMES.filter((r) => trials.some((t) => t.regime === regime && t.receiver === r));
  const found = sizes.map((size) => {
    const cells = receivers.map((r) => cellOf(trials, regime, size, r));
    const bare = cellOf(trials, regime, size, 'bare');
    const ours = cellOf(trials, regime, size, 'ours-no-describe');
    const ratio =
      bare === undefined || ours === undefined || bare.found === 0 ? '-' : (ours.found / bare.found).toFixed(3);
    const described = cellOf(trials, regime, size, 'ours');
    return [
      count(size),
      ...cells.map((c) => (c === undefined ? '-' : percent(c.fraction))),
      ratio,
      described?.described === undefined
        ? '-'
        : `${percent(described.described / size)} in ${((described.listedAfterMs ?? Number.NaN) / 1000).toFixed(1)} s`,
    ];
  });
  const cost = sizes.map((size) => {
    const cells = receivers.map((r) => cellOf(trials, regime, size, r));
    return [
      count(size),
      ...cells.map((c) => (c === undefined ? '-' : `${count(c.cpuMs)} ms`)),
      ...cells.map((c) => (c === undefined ? '-' : `${count(c.drops)}${c.exact ? '' : ' (≠ lost!)'}`)),
    ];
  });
  return [
    markdownTable(
      ['devices', ...receivers.map((r) => `${r} found`), 'ours-no-describe / bare', 'ours described (listed after)'],
      found,
      ['r', ...receivers.map(() => 'r' as const), 'r', 'r'],
    ),
    '',
    markdownTable(
      ['devices', ...receivers.map((r) => `${r} CPU`), ...receivers.map((r) => `${r} kernel-drops`)],
      cost,
      ['r', ...receivers.map(() => 'r' as const), ...receivers.map(() => 'r' as const)],
    ),
  ].join('\n');
}

export function burstMarkdown(input: BurstReportInput): string {
  const { machine, command, revision } = input;
  const lines: string[] = [
    '## Bursts of answers',
    '',
    `Run ${input.date} on ${machine.cpuModel} (${machine.cores} cores), Node ${machine.node}, ${machine.os}; load ${machine.loadAverage.join(' ')}.`,
    `Command: \`${command.nx ?? command.node}\`. Code: ${revision.commit ?? 'unknown'}${revision.dirty.length === 0 ? '' : ` + uncommitted ${revision.dirty.join(', ')}`}.`,
    '',
    `Method: network namespaces; one host (\`burst.c\`) answers a single M-SEARCH from 100 source addresses on the link and serves each device's description over HTTP (Node, same host); the receiver runs in another. ` +
      `Each receiver asks for a ${input.recvBuffer}-byte receive buffer except node-ssdp (it sets none). ours: \`ssdp-controller --once --json --mx ${input.mx} --recv-buffer ${input.recvBuffer}\` (with and without \`--no-describe\`); node-ssdp: its Client, listening MX + 1 s; bare: a dgram socket that only counts and keeps each datagram. ` +
      `${input.rounds} round(s), medians; lab processes at niceness ${input.priority}. "found" is distinct devices; CPU is user + system from the search until the receiver was done (ours: its listing and exit); ` +
      '"kernel-drops" is the receiver namespace\'s UDP RcvbufErrors during the trial; every trial also checks sent − received = that count (and = the receiver\'s own count where it has one).',
    '',
  ];
  for (const regime of ['a', 'b', 'c'] as const) {
    if (!input.trials.some((t) => t.regime === regime)) continue;
    lines.push(`### (${regime}) ${REGIMES[regime].label}`, '', regimeTables(input.trials, regime), '');
  }
  if ((input.failures ?? []).length > 0)
    lines.push('Trials that failed:', ...(input.failures ?? []).map((f) => `- ${f}`), '');
  lines.push('### Targets', '');
  for (const check of checkTargets(input.trials))
    lines.push(`- ${check.met ? 'met' : '**not met**'}: ${check.what}: ${check.detail}`);
  if (input.profiles.length > 0) {
    lines.push('', '### Profiles (self time, `--cpu-prof`)', '');
    for (const profile of input.profiles)
      lines.push(`- ${profile.label}:`, ...profile.lines.map((line) => `  - ${line}`));
  }
  return `${lines.join('\n')}\n`;
}
