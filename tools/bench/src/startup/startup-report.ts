// Benchmark 5's verdicts and Markdown: spawn-to-exit times of each command, the --version runs against bare Node
// (ratio of medians, and the median of the per-round ratios), and --once against MX + 0.5 s.
import type { RunFacts } from '../machine.ts';
import { formatRatio, markdownTable, runHeader } from '../markdown.ts';
import { median, pairedRatios, summarize, type Summary } from '../stats.ts';
import { LISTEN_MARGIN_MS } from '@ssdp/control-point';
import { BARE_NODE, controllerOnce, CONTROLLER_VERSION, DEVICE_VERSION } from './commands.ts';

/** `ssdp-device --version` may take at most this many times `node -e 0` (ratio of medians). */
export const VERSION_RATIO_TARGET = 1.5;
/** `--once` may take at most MX + this, from spawn to exit. */
export const ONCE_SLACK_MS = 500;

export interface StartupReportInput extends RunFacts {
  readonly options: { readonly rounds: number; readonly warmupRounds: number; readonly mx: number };
  /** Spawn-to-exit milliseconds per command name, one per measured round, in round order. */
  readonly times: Readonly<Record<string, readonly number[]>>;
}

export interface StartupVerdict {
  readonly summaries: Readonly<Record<string, Summary>>;
  /** median(command) / median(node -e 0). */
  readonly ratioOfMedians: { readonly device: number; readonly controller: number };
  /** The median of the per-round ratios command_i / node_i (a slow round slows both and cancels out). */
  readonly pairedRatio: { readonly device: Summary; readonly controller: Summary };
  readonly deviceMet: boolean;
  readonly onceTargetMs: number;
  readonly onceMet: boolean;
}

function timesOf(input: StartupReportInput, name: string): readonly number[] {
  const times = input.times[name];
  if (times === undefined || times.length === 0) throw new RangeError(`no times for ${name}`);
  return times;
}

export function startupVerdict(input: StartupReportInput): StartupVerdict {
  const names = [BARE_NODE, DEVICE_VERSION, CONTROLLER_VERSION, controllerOnce(input.options.mx)];
  const summaries = Object.fromEntries(names.map((name) => [name, summarize(timesOf(input, name))]));
  const node = timesOf(input, BARE_NODE);
  const ratio = (name: string): number => median(timesOf(input, name)) / median(node);
  const onceTargetMs = input.options.mx * 1000 + ONCE_SLACK_MS;
  const device = ratio(DEVICE_VERSION);
  return {
    summaries,
    ratioOfMedians: { device, controller: ratio(CONTROLLER_VERSION) },
    pairedRatio: {
      device: summarize(pairedRatios(timesOf(input, DEVICE_VERSION), node)),
      controller: summarize(pairedRatios(timesOf(input, CONTROLLER_VERSION), node)),
    },
    deviceMet: device <= VERSION_RATIO_TARGET,
    onceTargetMs,
    onceMet: summaries[controllerOnce(input.options.mx)]!.median <= onceTargetMs,
  };
}

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const spread = (s: Summary): string => `${ms(s.median)} (${ms(s.q1)} – ${ms(s.q3)})`;
const met = (ok: boolean): string => (ok ? 'met' : 'missed');

export function startupMarkdown(input: StartupReportInput): string {
  const { options } = input;
  const verdict = startupVerdict(input);
  const once = controllerOnce(options.mx);
  const listenMs = options.mx * 1000 + LISTEN_MARGIN_MS;
  const nodeMedian = verdict.summaries[BARE_NODE]!.median;
  const row = (name: string, versus: string): string[] => {
    const s = verdict.summaries[name]!;
    return [`\`${name}\``, spread(s), ms(s.min), ms(s.max), versus];
  };
  const onceMedian = verdict.summaries[once]!.median;
  return [
    '## Startup',
    '',
    ...runHeader(input),
    '',
    `Method: each command is spawned with the same node executable (the bins' built \`dist/\`, no tsx) and timed from \`spawn()\` to its exit; its output is checked (a version line; for \`--once\`, exactly the device under test, by UDN). ` +
      `${options.rounds} measured rounds after ${options.warmupRounds} discarded; in each round the four commands run one after the other in a rotating order, so load from elsewhere falls on all of them alike. ` +
      `\`${once}\` runs with \`--json --port <private port> --interface 127.0.0.1\` against one \`ssdp-device\` already up on that port on loopback (it describes the device over HTTP as usual). Medians with the interquartile range, in ms.`,
    '',
    markdownTable(
      ['command', 'spawn to exit, ms', 'min', 'max', 'vs `node -e 0` (ratio of medians)'],
      [
        row(BARE_NODE, '1'),
        row(DEVICE_VERSION, formatRatio(verdict.ratioOfMedians.device)),
        row(CONTROLLER_VERSION, formatRatio(verdict.ratioOfMedians.controller)),
        row(once, formatRatio(onceMedian / nodeMedian)),
      ],
      ['l', 'r', 'r', 'r', 'r'],
    ),
    '',
    `- \`${DEVICE_VERSION}\` within ${VERSION_RATIO_TARGET}× of \`${BARE_NODE}\`: **${met(verdict.deviceMet)}**, ${formatRatio(verdict.ratioOfMedians.device)} (median of the per-round ratios ${formatRatio(verdict.pairedRatio.device.median)}, IQR ${formatRatio(verdict.pairedRatio.device.q1)} – ${formatRatio(verdict.pairedRatio.device.q3)}); \`${CONTROLLER_VERSION}\` ${formatRatio(verdict.ratioOfMedians.controller)} (per round ${formatRatio(verdict.pairedRatio.controller.median)}).`,
    `- \`${once}\` within MX + ${ONCE_SLACK_MS / 1000} s = ${verdict.onceTargetMs} ms of its start: **${met(verdict.onceMet)}**, ${ms(onceMedian)} ms. Of that, ${listenMs} ms is the listening window of \`collect()\` (MX + ${LISTEN_MARGIN_MS / 1000} s after the search, by design), and ${ms(onceMedian - listenMs)} ms is everything else: starting Node and the CLI, binding, the search, the description fetch, printing and the exit.`,
    '',
  ].join('\n');
}
