// Benchmark 4, registry memory and expiry cost: N simulated devices (N = 1k, 10k, 100k by default) announce
// themselves (NOTIFY ssdp:alive, 5 USNs each, each from its own address) to one controller built with the public
// public `createControlPoint`, over an in-process transport and a manual clock; every datagram takes the real
// path (parseMessageView -> observation -> registry). Bytes per device = heap growth after a full GC / N. Then the
// expiry: announcements were spread evenly over one max-age, so advancing the clock in equal ticks expires the
// same number of devices per tick at every N; ticks alternate between the N's and are timed (wall and CPU).
// Run: `nx run bench:registry` (node --expose-gc). Options: --sizes 1000,10000,100000 --per-tick 10 --ticks 40
// --name NAME --no-write.
import { parseArgs } from 'node:util';
import { createControlPoint, type ControlPoint } from '@ssdp/control-point';
import { createManualClock, type ManualClock } from '@ssdp/runtime/testing';
import {
  integerListOption,
  integerOption,
  outputOptions,
  OUTPUT_OPTIONS,
  type OutputOptions,
} from './bench-options.ts';
import { roundOrder } from './harness.ts';
import { describeMachine, describeRun } from './machine.ts';
import { findWorkspaceRoot, publishResults } from './results.ts';
import { summarize } from './stats.ts';
import { createInjectedTransport } from './registry/injected-transport.ts';
import { simulatedAnnouncement, USNS_PER_DEVICE } from './registry/simulated-device.ts';
import { registryMarkdown, type RegistrySize } from './registry/registry-report.ts';

const MAX_AGE_S = 1800;
const START = 1_764_000_000_000;
export const TARGET_BYTES_PER_DEVICE = 2048;

interface Options extends OutputOptions {
  readonly sizes: readonly number[];
  readonly perTick: number;
  readonly ticks: number;
}

function readOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      sizes: { type: 'string' },
      'per-tick': { type: 'string' },
      ticks: { type: 'string' },
      ...OUTPUT_OPTIONS,
    },
    strict: true,
  });
  const options = {
    sizes: integerListOption(values.sizes ?? '1000,10000,100000', '--sizes'),
    perTick: integerOption(values['per-tick'], 10, '--per-tick'),
    ticks: integerOption(values.ticks, 40, '--ticks'),
    ...outputOptions(values, 'registry'),
  };
  const smallest = Math.min(...options.sizes);
  if (options.perTick * options.ticks > smallest / 2)
    throw new Error(`--per-tick x --ticks must be at most half the smallest size (${smallest / 2})`);
  return options;
}

const gc = (globalThis as { gc?: () => void }).gc;

function fullGc(): void {
  // Twice: the first pass can leave objects that only a second one (after weak callbacks) frees.
  gc!();
  gc!();
}

interface Fleet {
  readonly size: number;
  readonly clock: ManualClock;
  readonly controller: ControlPoint;
  readonly spacingMs: number;
  readonly counts: { removed: number; added: number };
}

async function buildFleet(size: number): Promise<{ fleet: Fleet; memory: RegistrySize['memory'] }> {
  fullGc();
  const before = process.memoryUsage();
  const clock = createManualClock(START);
  const transport = createInjectedTransport();
  const counts = { removed: 0, added: 0 };
  const controller = createControlPoint(
    {
      target: 'ssdp:all',
      mx: 3,
      intervalMs: 86_400_000,
      cycles: 1,
      describe: false,
      userAgent: 'Linux/6 UPnP/2.0 ssdp-bench/1',
      maxDevices: size,
    },
    { createTransport: () => transport, clock, random: Math.random },
  );
  controller.on('device-added', () => (counts.added += 1));
  controller.on('device-removed', () => (counts.removed += 1));
  await controller.start();
  // Announcements spread evenly over one max-age, so their expiries are spread evenly too.
  const spacingMs = (MAX_AGE_S * 1000) / size;
  const buildStart = process.hrtime.bigint();
  for (let i = 0; i < size; i += 1) {
    const { address, datagrams } = simulatedAnnouncement(i, MAX_AGE_S);
    for (const bytes of datagrams) transport.deliver(bytes, address);
    await nextTurn(); // the control point handles what it read in its own turn (receive-loop.ts)
    clock.advance(spacingMs);
  }
  clock.advance(2000); // the last ones' gather/settle deadlines
  await nextTurn(); // their device-added events go out at low priority
  const buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;
  fullGc();
  const after = process.memoryUsage();
  const fleet: Fleet = { size, clock, controller, spacingMs, counts };
  return {
    fleet,
    memory: {
      heapBytes: after.heapUsed - before.heapUsed,
      bytesPerDevice: (after.heapUsed - before.heapUsed) / size,
      rssBytes: after.rss - before.rss,
      externalBytes: after.external - before.external,
      added: counts.added,
      removedWhileBuilding: counts.removed,
      buildMs,
      datagrams: size * USNS_PER_DEVICE,
    },
  };
}

interface Tick {
  readonly wallUs: number;
  readonly cpuUs: number;
  readonly expired: number;
}

/** One turn of the event loop: the control point's work loop runs its queued datagrams and events there. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Times the clock's advance (the expiry and the removals' snapshots); the events are delivered after, untimed. */
async function tick(fleet: Fleet, ms: number): Promise<Tick> {
  const removedBefore = fleet.counts.removed;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  fleet.clock.advance(ms);
  const wallUs = Number(process.hrtime.bigint() - start) / 1000;
  const used = process.cpuUsage(cpu);
  await nextTurn();
  return { wallUs, cpuUs: used.user + used.system, expired: fleet.counts.removed - removedBefore };
}

async function main(): Promise<void> {
  if (gc === undefined) throw new Error('run with node --expose-gc (nx run bench:registry does)');
  const options = readOptions(process.argv.slice(2));
  const root = findWorkspaceRoot();
  const machine = describeMachine();
  const fleets: Fleet[] = [];
  const memory = new Map<number, RegistrySize['memory']>();
  for (const size of options.sizes) {
    const built = await buildFleet(size);
    fleets.push(built.fleet);
    memory.set(size, built.memory);
    process.stderr.write(
      `registry: ${size} devices: ${Math.round(built.memory.bytesPerDevice)} bytes per device (heap +${(built.memory.heapBytes / 2 ** 20).toFixed(1)} MiB), built in ${built.memory.buildMs.toFixed(0)} ms\n`,
    );
  }
  // Expiry: ticks that each expire `perTick` devices at every N, alternating between the N's (A B C, B C A ...).
  const ticks = new Map<number, Tick[]>(options.sizes.map((size) => [size, []]));
  const idle = new Map<number, Tick[]>(options.sizes.map((size) => [size, []]));
  for (let round = 0; round < options.ticks; round += 1) {
    for (const fleet of roundOrder(fleets, round)) {
      ticks.get(fleet.size)!.push(await tick(fleet, options.perTick * fleet.spacingMs));
      // A tick where nothing falls due: the cost of having N devices waiting.
      idle.get(fleet.size)!.push(await tick(fleet, 0));
    }
  }
  const sizes: RegistrySize[] = options.sizes.map((size) => {
    const fleet = fleets.find((f) => f.size === size)!;
    const list = ticks.get(size)!;
    return {
      size,
      memory: memory.get(size)!,
      expiry: {
        perTick: options.perTick,
        ticks: list.length,
        tickMs: options.perTick * fleet.spacingMs,
        expired: summarize(list.map((t) => t.expired)),
        wallUs: summarize(list.map((t) => t.wallUs)),
        cpuUs: summarize(list.map((t) => t.cpuUs)),
        idleWallUs: summarize(idle.get(size)!.map((t) => t.wallUs)),
      },
      remaining: fleet.controller.devices().length,
    };
  });
  for (const fleet of fleets) await fleet.controller.stop();

  const facts = describeRun(root, machine, [
    'packages/controller-app/src',
    'packages/transport/src',
    'packages/protocol/src',
    'tools/bench/src',
  ]);
  const shared = { ...facts, options, maxAgeSeconds: MAX_AGE_S, usnsPerDevice: USNS_PER_DEVICE, sizes };
  const markdown = registryMarkdown({ ...shared, target: TARGET_BYTES_PER_DEVICE });
  publishResults('registry', options, { benchmark: 'registry', ...shared }, markdown);
}

await main();
