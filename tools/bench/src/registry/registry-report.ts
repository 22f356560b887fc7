// Benchmark 4's Markdown: bytes per device at each N, and the expiry cost per tick at each N.
import type { RunFacts } from '../machine.ts';
import { formatRatio, markdownTable, runHeader } from '../markdown.ts';
import type { Summary } from '../stats.ts';

export interface RegistrySize {
  readonly size: number;
  readonly memory: {
    readonly heapBytes: number;
    readonly bytesPerDevice: number;
    readonly rssBytes: number;
    readonly externalBytes: number;
    readonly added: number;
    readonly removedWhileBuilding: number;
    readonly buildMs: number;
    readonly datagrams: number;
  };
  readonly expiry: {
    readonly perTick: number;
    readonly ticks: number;
    readonly tickMs: number;
    readonly expired: Summary;
    readonly wallUs: Summary;
    readonly cpuUs: Summary;
    readonly idleWallUs: Summary;
  };
  /** Devices still registered after the expiry ticks. */
  readonly remaining: number;
}

export interface RegistryReportInput extends RunFacts {
  readonly options: { readonly sizes: readonly number[]; readonly perTick: number; readonly ticks: number };
  readonly maxAgeSeconds: number;
  readonly usnsPerDevice: number;
  readonly target: number;
  readonly sizes: readonly RegistrySize[];
}

const us = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const spread = (s: Summary, format: (value: number) => string): string =>
  `${format(s.median)} (${format(s.q1)} – ${format(s.q3)})`;

/** Growth of the median tick cost from the smallest to the largest N. */
export function expiryGrowth(sizes: readonly RegistrySize[]): number {
  const sorted = [...sizes].sort((a, b) => a.size - b.size);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  return last.expiry.cpuUs.median / Math.max(1e-9, first.expiry.cpuUs.median);
}

export function registryVerdict(input: RegistryReportInput): {
  memoryMet: boolean;
  largest: RegistrySize;
  growth: number;
} {
  const largest = [...input.sizes].sort((a, b) => b.size - a.size)[0]!;
  return { memoryMet: largest.memory.bytesPerDevice <= input.target, largest, growth: expiryGrowth(input.sizes) };
}

export function registryMarkdown(input: RegistryReportInput): string {
  const verdict = registryVerdict(input);
  const memoryRows = input.sizes.map((s) => [
    s.size.toLocaleString('en-US'),
    s.memory.added.toLocaleString('en-US'),
    (s.memory.heapBytes / 2 ** 20).toFixed(1),
    Math.round(s.memory.bytesPerDevice).toLocaleString('en-US'),
    (s.memory.rssBytes / 2 ** 20).toFixed(1),
    `${Math.round(s.memory.buildMs)} ms (${(((s.memory.datagrams / s.memory.buildMs) * 1000) / 1000).toFixed(0)} k datagrams/s)`,
  ]);
  const smallest = [...input.sizes].sort((a, b) => a.size - b.size)[0]!;
  const expiryRows = input.sizes.map((s) => [
    s.size.toLocaleString('en-US'),
    `${(s.expiry.tickMs / 1000).toFixed(2)} s`,
    us(s.expiry.expired.median),
    spread(s.expiry.cpuUs, us),
    spread(s.expiry.wallUs, us),
    us(s.expiry.cpuUs.median / Math.max(1, s.expiry.expired.median)),
    spread(s.expiry.idleWallUs, us),
    formatRatio(s.expiry.cpuUs.median / Math.max(1e-9, smallest.expiry.cpuUs.median)),
  ]);
  return [
    '## Registry memory',
    '',
    ...runHeader(input),
    '',
    `Method: one controller per N from the public factory \`createController\` (describe off, registry bound = N) on an in-process transport (datagrams handed to it as one interface would; sends go nowhere) and a manual clock. ` +
      `Every simulated device announces NOTIFY ssdp:alive for ${input.usnsPerDevice} USNs (upnp:rootdevice, its UUID, a MediaServer device type, two service types) from its own address with its own LOCATION, CACHE-CONTROL max-age=${input.maxAgeSeconds}, BOOTID and CONFIGID, serialized with our codec; each datagram takes the controller's real path (parseMessageView → observation → registry). ` +
      `The announcements are spread evenly over one max-age (the clock advances between devices, so the registry's gather and settle deadlines run as they would). ` +
      `Memory: \`heapUsed\` after two forced full GCs (node --expose-gc), after minus before building, divided by N; the controllers of all N stay alive together. ` +
      `Expiry: then the clock advances in ticks sized so that ${input.options.perTick} devices expire per tick at every N (one max-age / N × ${input.options.perTick}); ${input.options.ticks} ticks per N, alternating between the N's; each tick is timed on process CPU time and the wall clock (it includes the removals and their snapshots; the device-removed events reach the listeners in the control point's next turn, untimed). Datagrams are delivered one device at a time, with a turn of the event loop after each device, where the control point handles them. An idle tick (advance 0 ms, nothing due) is timed after each. Medians with the interquartile range.`,
    '',
    '### Memory',
    '',
    markdownTable(
      ['devices', 'announced', 'heap growth (MiB)', 'bytes per device', 'RSS growth (MiB)', 'build time'],
      memoryRows,
      ['r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `Target ≤ ${input.target.toLocaleString('en-US')} bytes per device: **${verdict.memoryMet ? 'met' : 'missed'}** at ${verdict.largest.size.toLocaleString('en-US')} devices: ${Math.round(verdict.largest.memory.bytesPerDevice).toLocaleString('en-US')} bytes (${((verdict.largest.memory.bytesPerDevice / input.target) * 100).toFixed(0)}% of the budget).`,
    '',
    '### Expiry cost per tick',
    '',
    markdownTable(
      [
        'devices',
        'tick',
        'expired per tick',
        'CPU µs per tick',
        'wall µs per tick',
        'CPU µs per expired device',
        'idle tick, wall µs',
        'CPU per tick vs smallest N',
      ],
      expiryRows,
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `From ${smallest.size.toLocaleString('en-US')} to ${verdict.largest.size.toLocaleString('en-US')} devices (${(verdict.largest.size / smallest.size).toFixed(0)}× more) the CPU cost of a tick that expires ${input.options.perTick} devices changes ${formatRatio(verdict.growth)}: one scheduler task and a binary heap, so the work per tick depends on the devices that expire (and log N), not on how many wait.`,
    '',
  ].join('\n');
}
