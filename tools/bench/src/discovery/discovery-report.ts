// Benchmark 2's Markdown: per fleet, each control point's numbers over the rounds (median, min – max), the
// per-round ratios ours / node-ssdp, and the target verdict.
import type { RunFacts } from '../machine.ts';
import { formatRatio, markdownTable, runHeader } from '../markdown.ts';
import { pairedRatios, summarize, type Summary } from '../stats.ts';
import { CLIENT_NAMES, type ClientName, type TrialResult } from './discovery-trial.ts';

export interface FleetRun {
  readonly kind: 'ssdp-device' | 'node-ssdp';
  readonly size: number;
  readonly info: Record<string, unknown>;
  readonly trials: readonly TrialResult[];
}

export interface DiscoveryReportInput extends RunFacts {
  readonly rounds: number;
  readonly mx: number;
  readonly listenMs: number;
  readonly runs: readonly FleetRun[];
  /** Niceness of the lab processes (0: not changed). */
  readonly priority?: number;
}

export const TARGET = { fleetKind: 'ssdp-device', size: 1000, fraction: 1, lastMs: 3500 } as const;

const CLIENT_LABEL: Record<ClientName, string> = {
  ours: 'ours: `ssdp-controller --once --mx 3 --json`',
  'ours-no-describe': 'ours with `--no-describe`',
  'node-ssdp': 'node-ssdp 4.0.1 Client',
};

function spread(summary: Summary, format: (value: number) => string): string {
  return summary.min === summary.max
    ? format(summary.median)
    : `${format(summary.median)} (${format(summary.min)} – ${format(summary.max)})`;
}

const percent = (value: number): string => `${(value * 100).toFixed(value === 1 ? 0 : 1)}%`;
const ms = (value: number): string => `${Math.round(value)} ms`;
const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;

function finite(values: readonly number[]): number[] {
  return values.filter((value) => Number.isFinite(value));
}

function cell(values: readonly number[], format: (value: number) => string): string {
  const usable = finite(values);
  return usable.length === 0 ? '–' : spread(summarize(usable), format);
}

export function trialsOf(run: FleetRun, client: ClientName): TrialResult[] {
  return run.trials.filter((trial) => trial.client === client);
}

/** Per-round ratios ours / node-ssdp of one measure (rounds pair up by order). */
export function roundRatios(run: FleetRun, measure: (trial: TrialResult) => number): number[] {
  const ours = trialsOf(run, 'ours').map(measure);
  const theirs = trialsOf(run, 'node-ssdp').map(measure);
  const rounds = Math.min(ours.length, theirs.length);
  const pairs = [...Array(rounds).keys()].filter(
    (i) => Number.isFinite(ours[i]!) && Number.isFinite(theirs[i]!) && theirs[i]! > 0,
  );
  return pairs.length === 0
    ? []
    : pairedRatios(
        pairs.map((i) => ours[i]!),
        pairs.map((i) => theirs[i]!),
      );
}

export function targetVerdict(runs: readonly FleetRun[]): { met: boolean; text: string } | undefined {
  const run = runs.find((r) => r.kind === TARGET.fleetKind && r.size === TARGET.size);
  if (run === undefined) return undefined;
  const ours = trialsOf(run, 'ours');
  const allFound = ours.every((trial) => trial.fraction >= TARGET.fraction);
  const worstLast = Math.max(
    ...ours.map((trial) => (Number.isFinite(trial.lastMs) ? trial.lastMs : Number.POSITIVE_INFINITY)),
  );
  const worstFraction = Math.min(...ours.map((trial) => trial.fraction));
  const met = allFound && worstLast <= TARGET.lastMs;
  return {
    met,
    text:
      `${ours.length} of ${ours.length} rounds: worst round found ${percent(worstFraction)}, the last one after ${ms(worstLast)} ` +
      `(target 100%, ≤ ${TARGET.lastMs} ms)`,
  };
}

function fleetTitle(run: FleetRun): string {
  return run.kind === 'ssdp-device'
    ? `\`ssdp-device --count ${run.size}\``
    : `${run.size} node-ssdp Servers in one process`;
}

function fleetSection(run: FleetRun): string {
  const rows = CLIENT_NAMES.filter((client) => trialsOf(run, client).length > 0).map((client) => {
    const trials = trialsOf(run, client);
    return [
      CLIENT_LABEL[client],
      cell(
        trials.map((t) => t.fraction),
        percent,
      ),
      cell(
        trials.map((t) => t.foundByDeadline / t.fleetSize),
        percent,
      ),
      cell(
        trials.map((t) => t.lastMs),
        ms,
      ),
      cell(
        trials.map((t) => t.cpuAfterSearchMs),
        ms,
      ),
      cell(
        trials.map((t) => t.cpuMs),
        ms,
      ),
      cell(
        trials.map((t) => t.maxRssKiB),
        mib,
      ),
    ];
  });
  const ratioRow = (label: string, measure: (trial: TrialResult) => number): string[] => {
    const ratios = roundRatios(run, measure);
    return [label, ratios.length === 0 ? '–' : spread(summarize(ratios), formatRatio)];
  };
  const ratios = markdownTable(
    ['ours / node-ssdp, per round', 'median (min – max)'],
    [
      ratioRow('found', (t) => t.fraction),
      ratioRow('time to the last one', (t) => t.lastMs),
      ratioRow('CPU after the search', (t) => t.cpuAfterSearchMs),
      ratioRow('CPU, whole process', (t) => t.cpuMs),
      ratioRow('peak RSS', (t) => t.maxRssKiB),
    ],
    ['l', 'r'],
  );
  const notifies = run.trials.reduce((sum, trial) => sum + trial.notifiesDuring, 0);
  const extra =
    run.kind === 'node-ssdp'
      ? `\n\nThe fleet process: ${String(run.info['count'])} Servers started in ${String(run.info['ms'])} ms, RSS ${mib(Number(run.info['rssKiB']))}; ` +
        `it stopped at ${String(run.info['requested'])} requested (${String(run.info['stoppedBy'])}; open-file limit ${String(run.info['limit'])}).`
      : '';
  return (
    `### ${fleetTitle(run)}\n\n` +
    markdownTable(
      [
        'control point',
        'found',
        `found by MX + 0.5 s`,
        'search → last one',
        'CPU after the search',
        'CPU, whole process',
        'peak RSS',
      ],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ) +
    `\n\n${ratios}\n\nNOTIFYs on the wire while the searches were answered: ${notifies}.${extra}`
  );
}

export function discoveryMarkdown(input: DiscoveryReportInput): string {
  const verdict = targetVerdict(input.runs);
  const summaryRows = input.runs.map((run) => {
    const ours = trialsOf(run, 'ours');
    const theirs = trialsOf(run, 'node-ssdp');
    return [
      fleetTitle(run),
      cell(
        ours.map((t) => t.fraction),
        percent,
      ),
      cell(
        ours.map((t) => t.lastMs),
        ms,
      ),
      cell(
        theirs.map((t) => t.fraction),
        percent,
      ),
      cell(
        theirs.map((t) => t.lastMs),
        ms,
      ),
    ];
  });
  return [
    '## Discovery at scale',
    '',
    ...runHeader(input),
    '',
    `Method: a lab of network namespaces (tools/netns): the fleet in one host, the control point in another, a passive tap in a third, on one bridge; IPv4 only (each process is given its host's address). ` +
      `For every fleet, ${input.rounds} rounds; each round runs both control points one after the other, the order alternating. ` +
      `Ours is \`ssdp-controller --interface <addr> --once --mx ${input.mx} --json\` (two M-SEARCH 100 ms apart, listen MX + 1 s, fetch the descriptions, print a \`device-found\` per device). ` +
      `node-ssdp's Client sends the same two \`ssdp:all\` searches (it always says MX 3), listens ${input.listenMs} ms and counts distinct UDNs (USN before \`::\`). ` +
      `"found" counts distinct UDNs of the fleet; times run from the control point's first M-SEARCH as the tap saw it on the wire to the first datagram of the last device found (our \`firstSeen\`, the client's receive time). ` +
      `CPU and peak RSS are the process's own getrusage at exit (all threads, start-up included); "CPU after the search" subtracts the CPU read from /proc when the search went out (50 ms samples). ` +
      `A fleet is searched only after its own NOTIFYs have stopped (no NOTIFY for 2 s at the tap), so every device found was found by the search; the tap also counts NOTIFYs during every search window.` +
      (input.priority === undefined || input.priority === 0
        ? ''
        : ` Every lab process ran at niceness ${input.priority}, its own and its session autogroup's (the machine is shared with other people's CI; this keeps the measured processes from being starved, it does not make them faster).`),
    '',
    markdownTable(
      ['fleet', 'ours: found', 'ours: search → last', 'node-ssdp: found', 'node-ssdp: search → last'],
      summaryRows,
      ['l', 'r', 'r', 'r', 'r'],
    ),
    '',
    verdict === undefined
      ? 'Target (100% of 1,000 devices in one MX=3 cycle, the last by MX + 0.5 s): not measured in this run.'
      : `Target (100% of 1,000 \`ssdp-device\` devices in one MX=3 cycle, the last by MX + 0.5 s = ${TARGET.lastMs} ms): **${verdict.met ? 'met' : 'missed'}**; ${verdict.text}.`,
    '',
    ...input.runs.map((run) => `${fleetSection(run)}\n`),
  ].join('\n');
}
