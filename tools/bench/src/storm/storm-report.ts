// Benchmark 3's Markdown: per storm rate, every device's numbers (median over the rounds, min – max), per-round
// ratios against the libraries, and the target verdict.
import type { RunFacts } from '../machine.ts';
import { formatRate as formatRateRaw, formatRatio, markdownTable, runHeader } from '../markdown.ts';
import { pairedRatios, summarize } from '../stats.ts';
import type { FloodResult, StormUsage, UdpCounters } from './storm-counters.ts';

export const DEVICE_NAMES = ['ours', 'ours-raised', 'node-ssdp', 'achingbrain'] as const;
export type DeviceName = (typeof DEVICE_NAMES)[number];

export const DEVICE_LABEL: Record<DeviceName, string> = {
  ours: 'ours, default defences',
  'ours-raised': 'ours, caps raised',
  'node-ssdp': 'node-ssdp 4.0.1 Server',
  achingbrain: '@achingbrain/ssdp 4.2.4',
};

export interface StormTrial {
  readonly device: DeviceName;
  readonly rate: number;
  readonly round: number;
  readonly generators: number;
  readonly durationMs: number;
  readonly flood: FloodResult;
  /** Kernel UDP counters of the device's namespace, after minus before. */
  readonly udp: UdpCounters;
  /** The device's own counters: searches answered, responses sent, drops by reason (ours only). */
  readonly app: {
    readonly searches: number;
    readonly responses: number;
    readonly dropped: Readonly<Record<string, number>>;
  };
  readonly usage: StormUsage;
  readonly maxRssKiB: number | undefined;
  readonly legitimate: { readonly answered: boolean; readonly usns: number; readonly exitCode: number | null };
}

export interface StormReportInput extends RunFacts {
  readonly options: {
    readonly rates: readonly number[];
    readonly durationMs: number;
    readonly rounds: number;
    readonly devices: readonly DeviceName[];
  };
  readonly raisedCaps: readonly string[];
  readonly drainMs: number;
  readonly controllerAtMs: number;
  readonly trials: readonly StormTrial[];
  /** Niceness of the lab processes (0: not changed). */
  readonly priority?: number;
}

export const TARGET_RATE = 20_000;

/** formatRate after rounding to 3 significant digits (999.97 would otherwise print as 1.00e+3). */
export function formatRate(perSecond: number): string {
  return formatRateRaw(perSecond === 0 ? 0 : Number(perSecond.toPrecision(3)));
}

/** M-SEARCHes the device took off its socket per second of storm (kernel count: the same for every device). */
export function readRate(trial: StormTrial): number {
  return trial.udp.inDatagrams / trial.flood.sendSeconds;
}

/** CPU microseconds per datagram read. */
export function cpuPerSearchUs(trial: StormTrial): number {
  return trial.udp.inDatagrams === 0 ? Number.NaN : (trial.usage.cpuMs * 1000) / trial.udp.inDatagrams;
}

/** Datagrams read per CPU second: what one fully busy core would handle. */
export function perCpuSecond(trial: StormTrial): number {
  return trial.usage.cpuMs <= 0 ? Number.NaN : trial.udp.inDatagrams / (trial.usage.cpuMs / 1000);
}

function med(values: readonly number[], format: (value: number) => string): string {
  const usable = values.filter((value) => Number.isFinite(value));
  if (usable.length === 0) return '–';
  const s = summarize(usable);
  return s.min === s.max ? format(s.median) : `${format(s.median)} (${format(s.min)} – ${format(s.max)})`;
}

const mib = (kib: number): string => (kib / 1024).toFixed(1);
const count = (value: number): string => (value >= 10_000 ? formatRate(value) : String(Math.round(value)));

function rateSection(input: StormReportInput, rate: number): string {
  const rows = input.options.devices.map((device) => {
    const trials = input.trials.filter((t) => t.device === device && t.rate === rate);
    const legit = trials.filter((t) => t.legitimate.answered).length;
    return [
      DEVICE_LABEL[device],
      med(
        trials.map((t) => t.flood.achievedRate),
        formatRate,
      ),
      med(trials.map(readRate), formatRate),
      med(
        trials.map((t) => t.udp.rcvbufErrors),
        count,
      ),
      med(
        trials.map((t) => t.app.searches / (t.flood.sendSeconds || 1)),
        formatRate,
      ),
      med(
        trials.map((t) => t.flood.responses),
        count,
      ),
      med(
        trials.map((t) => t.flood.late),
        count,
      ),
      med(
        trials.map((t) => t.usage.cores),
        (v) => v.toFixed(2),
      ),
      med(trials.map(cpuPerSearchUs), (v) => v.toFixed(1)),
      `${med(
        trials.map((t) => t.usage.rssStartKiB),
        mib,
      )} → ${med(
        trials.map((t) => t.usage.rssEndKiB),
        mib,
      )} (peak ${med(
        trials.map((t) => t.usage.peakRssKiB),
        mib,
      )})`,
      `${legit}/${trials.length}`,
    ];
  });
  const table = markdownTable(
    [
      'device',
      'offered /s',
      'read /s',
      'kernel drops',
      'answered /s',
      'responses (wire)',
      'late',
      'CPU (cores)',
      'CPU µs / search',
      'RSS MiB start → end (peak)',
      'legit search answered',
    ],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
  const drops = input.trials
    .filter((t) => t.device === 'ours' && t.rate === rate)
    .map((t) => Object.entries(t.app.dropped).filter(([reason, n]) => n > 0 && reason !== 'not-a-search'))
    .map((entries) => (entries.length === 0 ? 'none' : entries.map(([reason, n]) => `${reason} ${n}`).join(', ')));
  return `### ${formatRate(rate)} M-SEARCH/s for ${input.options.durationMs / 1000} s\n\n${table}\n\nOur device's own drop counters (default defences), per round: ${drops.join('; ') || '–'}.`;
}

function ratioRows(input: StormReportInput): string[][] {
  const rows: string[][] = [];
  const pairs: [DeviceName, DeviceName][] = [
    ['ours-raised', 'node-ssdp'],
    ['ours-raised', 'achingbrain'],
  ];
  for (const rate of input.options.rates) {
    for (const [ours, theirs] of pairs) {
      const a = input.trials.filter((t) => t.device === ours && t.rate === rate).sort((x, y) => x.round - y.round);
      const b = input.trials.filter((t) => t.device === theirs && t.rate === rate).sort((x, y) => x.round - y.round);
      const n = Math.min(a.length, b.length);
      if (n === 0) continue;
      const ratio = (num: number[], den: number[]): string => {
        const keep = [...Array(n).keys()].filter(
          (i) => Number.isFinite(num[i]!) && Number.isFinite(den[i]!) && den[i]! > 0,
        );
        if (keep.length === 0) return '–';
        const s = summarize(
          pairedRatios(
            keep.map((i) => num[i]!),
            keep.map((i) => den[i]!),
          ),
        );
        return s.min === s.max
          ? formatRatio(s.median)
          : `${formatRatio(s.median)} (${formatRatio(s.min)} – ${formatRatio(s.max)})`;
      };
      rows.push([
        formatRate(rate),
        `${DEVICE_LABEL[ours]} / ${DEVICE_LABEL[theirs]}`,
        ratio(a.slice(0, n).map(readRate), b.slice(0, n).map(readRate)),
        // Efficiency: their CPU per search over ours (> 1: we spend less per search).
        ratio(b.slice(0, n).map(cpuPerSearchUs), a.slice(0, n).map(cpuPerSearchUs)),
        ratio(
          a.slice(0, n).map((t) => t.usage.peakRssKiB),
          b.slice(0, n).map((t) => t.usage.peakRssKiB),
        ),
      ]);
    }
  }
  return rows;
}

export function targetVerdict(input: StormReportInput): { met: boolean; lines: string[] } {
  const lines: string[] = [];
  const raised = input.trials.filter((t) => t.device === 'ours-raised' && t.rate >= TARGET_RATE);
  const capacity = input.trials
    .filter((t) => t.device === 'ours-raised')
    .map(perCpuSecond)
    .filter(Number.isFinite);
  const handled = raised.filter(
    (t) => readRate(t) >= TARGET_RATE * 0.98 && t.udp.rcvbufErrors <= t.udp.inDatagrams * 0.001,
  );
  const best = raised.length === 0 ? 0 : Math.max(...raised.map(readRate));
  const throughputMet =
    raised.length > 0 && raised.filter((t) => t.rate === TARGET_RATE).every((t) => handled.includes(t));
  lines.push(
    `Throughput (caps raised): at ${formatRate(TARGET_RATE)}/s offered, ${handled.filter((t) => t.rate === TARGET_RATE).length} of ${raised.filter((t) => t.rate === TARGET_RATE).length} rounds read ≥ 98% of the storm with < 0.1% kernel drops; best read rate ${formatRate(best)}/s; ` +
      `median capacity ${capacity.length === 0 ? '–' : formatRate(summarize(capacity).median)} M-SEARCH per CPU second.`,
  );
  const defaults = input.trials.filter((t) => t.device === 'ours');
  const flat = defaults.every((t) => t.usage.secondHalfGrowthKiB < 4096);
  const worstGrowth = defaults.length === 0 ? 0 : Math.max(...defaults.map((t) => t.usage.secondHalfGrowthKiB));
  lines.push(
    `RSS (default defences): growth over each storm's second half at most ${mib(worstGrowth)} MiB (flat: < 4 MiB).`,
  );
  const legit = defaults.filter((t) => t.legitimate.answered).length;
  lines.push(`Legitimate search (default defences): answered in ${legit} of ${defaults.length} storms.`);
  const late = input.trials.filter((t) => t.device === 'ours' || t.device === 'ours-raised');
  const lateCount = late.reduce((sum, t) => sum + t.flood.late, 0);
  const lateMax = late.length === 0 ? 0 : Math.max(...late.map((t) => t.flood.maxLateMs));
  lines.push(
    `MX window (ours): ${lateCount} responses arrived after their window (worst ${lateMax.toFixed(0)} ms past MX; ≤ 0 means every response was inside).`,
  );
  return { met: throughputMet && flat && legit === defaults.length && lateCount === 0, lines };
}

export function stormMarkdown(input: StormReportInput): string {
  const verdict = targetVerdict(input);
  return [
    '## Responder under a storm',
    '',
    ...runHeader(input),
    '',
    `Method: three lab hosts on one bridge (tools/netns). The generator (\`tools/bench/src/storm/flood.c\`, compiled with cc; one process, two above 25k/s) sends valid M-SEARCHes to 239.255.255.250:1900 at the rate, paced per millisecond with sendmmsg, for ${input.options.durationMs / 1000} s; ` +
      `1,024 source ports take turns for 8 ms each (a port comes back after 8.2 s), port s always says MX = 1 + s mod 5, and the ST turns through \`ssdp:all\`, \`upnp:rootdevice\`, the device's \`uuid:\`, its device type and a type nobody has (1.2 responses per search from a one-device set of 3). ` +
      `It receives the responses on its ports and checks each against the last search of its port: late means it came more than MX after that search (the check is exact to the 8 ms turn). It listens ${input.drainMs / 1000} s more after the storm. ` +
      `The device is started fresh for every storm, ${input.options.rounds} rounds per rate, the order rotating. "read /s" is the kernel's UDP InDatagrams of the device's namespace over the storm (datagrams it took off its socket; the same count for every device), "kernel drops" its RcvbufErrors; "answered /s" is the device's own count of searches it answered (ours: its \`stopped\` summary; node-ssdp: its \`_parseMessage\` calls on an M-SEARCH; achingbrain: its \`ssdp:m-search\` events). ` +
      `CPU and RSS come from /proc every 100 ms over the storm; CPU µs / search = CPU time / datagrams read. ` +
      `${input.controllerAtMs / 1000} s into each storm our controller (\`ssdp-controller --once --mx 3 --json --no-describe\`, a third host) searches once; "legit search answered" counts storms where it listed the device. ` +
      `Caps raised: \`${input.raisedCaps.join(' ')}\`. Our device's stdout (a line per search) goes to a file on tmpfs.` +
      (input.priority === undefined || input.priority === 0
        ? ''
        : ` Every lab process ran at niceness ${input.priority}, its own and its session autogroup's (the machine is shared with other people's CI; this keeps the measured processes from being starved, it does not make them faster).`),
    '',
    ...input.options.rates.map((rate) => `${rateSection(input, rate)}\n`),
    '### Ratios (per round, then median)',
    '',
    markdownTable(['rate', 'pair', 'read /s', 'CPU per search (theirs / ours)', 'peak RSS'], ratioRows(input), [
      'l',
      'l',
      'r',
      'r',
      'r',
    ]),
    '',
    `### Targets: **${verdict.met ? 'met' : 'not all met'}**`,
    '',
    ...verdict.lines.map((line) => `- ${line}`),
    '',
  ].join('\n');
}
