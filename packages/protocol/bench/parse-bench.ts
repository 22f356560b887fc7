// Timing script for the codec's own hot paths (not a test: timings on shared machines are noisy). It answers
// "what does each part cost" over the real captures, in the same process and in alternating slots, so one run
// gives comparable numbers: the lazy view (parseMessageView) alone, + header list, + raw header() reads, + typed
// fields, + one typed field at a time (the cost of each), the plain parseMessage, and serializeMessage; all against
// the floor the codec
// benchmark uses, "Buffer latin1 decode + split on CRLF". The side-by-side comparison with other libraries is
// `nx run bench:codec` (tools/bench).
//
// Run: node --import tsx packages/protocol/bench/parse-bench.ts [--rounds N] [--slot-ms N]
// Each round runs every contender for one slot, in rotating order; rates are per CPU second of this process
// (process.cpuUsage, so a preempted process accrues nothing), and the table shows medians over the rounds and
// the median of the per-round ratio to the floor.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  parseMessage,
  parseMessageView,
  serializeMessage,
  type SsdpMessage,
  type SsdpMessageView,
} from '../src/index.ts';

const { values: options } = parseArgs({ options: { rounds: { type: 'string' }, 'slot-ms': { type: 'string' } } });
const rounds = Number(options.rounds ?? 15);
const slotMs = Number(options['slot-ms'] ?? 60);

// Every real capture, as Buffers (what a socket hands over), each kind about as often as in real traffic.
const dir = join(import.meta.dirname, '../test/vectors');
const captures = readdirSync(dir)
  .filter((file) => file.endsWith('.bin'))
  .map((file): Buffer => readFileSync(join(dir, file)));
const weightOf = (bytes: Buffer): number =>
  bytes.subarray(0, 6).toString() === 'NOTIFY' ? 3 : bytes.subarray(0, 4).toString() === 'HTTP' ? 5 : 1;
const sequence = captures.flatMap((bytes) => Array.from({ length: weightOf(bytes) }, () => bytes));

const present = (value: unknown): number => (value === undefined ? 0 : 1);

function typedFields(m: SsdpMessage): number {
  if (m.kind === 'm-search') return present(m.st) + present(m.mx) + present(m.man);
  if (m.kind === 'search-response') return present(m.st) + present(m.usn) + present(m.location);
  return present(m.nt) + present(m.nts) + present(m.usn) + present(m.location);
}

function rawFields(m: SsdpMessageView): number {
  if (m.kind === 'm-search') return present(m.header('ST')) + present(m.header('MX')) + present(m.header('MAN'));
  if (m.kind === 'search-response')
    return present(m.header('ST')) + present(m.header('USN')) + present(m.header('LOCATION'));
  return present(m.header('NT')) + present(m.header('NTS')) + present(m.header('USN')) + present(m.header('LOCATION'));
}

/** parseMessageView, then `read` on the view. */
function parsing(read: (m: SsdpMessageView) => number): (bytes: Buffer) => number {
  return (bytes) => {
    const result = parseMessageView(bytes);
    return result.ok ? 1 + read(result.message) : -1;
  };
}

const parsedOnce = new Map(sequence.map((bytes) => [bytes, (parseMessage(bytes) as { message: SsdpMessage }).message]));

const contenders: { name: string; touch: (bytes: Buffer) => number }[] = [
  { name: 'floor: latin1 + split CRLF', touch: (bytes) => bytes.toString('latin1').split('\r\n').length },
  { name: 'parseMessageView', touch: parsing(() => 0) },
  { name: '+ headers', touch: parsing((m) => m.headers.length) },
  { name: '+ 3-4 raw header() reads', touch: parsing(rawFields) },
  { name: '+ 3-4 typed fields (bench)', touch: parsing(typedFields) },
  {
    name: '+ nt only',
    touch: parsing((m) => (m.kind === 'notify-alive' || m.kind === 'notify-byebye' ? present(m.nt) : 0)),
  },
  { name: '+ usn only', touch: parsing((m) => (m.kind === 'm-search' ? 0 : present(m.usn))) },
  { name: '+ location only', touch: parsing((m) => (m.kind === 'm-search' ? 0 : present(m.location))) },
  {
    name: '+ st only',
    touch: parsing((m) => (m.kind === 'm-search' || m.kind === 'search-response' ? present(m.st) : 0)),
  },
  {
    name: 'parseMessage (plain)',
    touch: (bytes) => {
      const result = parseMessage(bytes);
      return result.ok ? 1 + typedFields(result.message) : -1;
    },
  },
  { name: 'serializeMessage', touch: (bytes) => serializeMessage(parsedOnce.get(bytes)!).length },
];

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Runs `touch` over the sequence for about `ms` of CPU time; returns operations per CPU second. */
function slot(touch: (bytes: Buffer) => number, ms: number): number {
  let ops = 0;
  let sink = 0;
  const start = cpuMs();
  let elapsed: number;
  do {
    for (let i = 0; i < sequence.length; i++) sink += touch(sequence[i]!);
    ops += sequence.length;
    elapsed = cpuMs() - start;
  } while (elapsed < ms);
  if (sink === 0) throw new Error('unreachable: every contender returns a positive checksum');
  return (ops / elapsed) * 1000;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

// Warm-up (JIT), then the measured rounds with a rotating order.
for (const c of contenders) slot(c.touch, 300);
const rates = contenders.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < contenders.length; k++) {
    const index = (k + round) % contenders.length;
    rates[index]!.push(slot(contenders[index]!.touch, slotMs));
  }
}

const floor = rates[0]!;
console.log(
  `${sequence.length} datagrams per pass (${captures.length} captures), ${rounds} rounds of ${slotMs} ms CPU per contender`,
);
console.log(`${'contender'.padEnd(30)} ${'msg/s CPU'.padStart(10)} ${'ns/msg'.padStart(7)} ${'floor/x'.padStart(8)}`);
contenders.forEach((c, i) => {
  const rate = median(rates[i]!);
  const ratio = median(floor.map((f, r) => f / rates[i]![r]!));
  console.log(
    `${c.name.padEnd(30)} ${(rate / 1e6).toFixed(2).padStart(8)} M ${(1e9 / rate).toFixed(0).padStart(7)} ${ratio.toFixed(2).padStart(8)}`,
  );
});
