// Benchmark 3, a responder under an M-SEARCH storm (real UDP in network namespaces): a C generator in one lab
// host floods the SSDP group with valid M-SEARCHes (MX 1..5, five STs, 1,024 source ports in turn) at each rate
// for 10 s; the device under test runs in a second host; in a third, our controller searches once in the middle
// of every storm. Devices, alternating within each round: `ssdp-device` with its default defences, the same with
// the caps raised (so parse + match + schedule + send is what is measured), a node-ssdp Server and an
// @achingbrain/ssdp advertiser. Run: `nx run bench:storm` (root, Linux, a C compiler).
// Options: --rates 1000,5000,20000,50000 --duration-ms 10000 --rounds N --devices a,b --generators N --priority N
// --name NAME --no-write
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { netnsAvailable, type NetnsLab } from '@ssdp/netns';
import {
  integerListOption,
  integerOption,
  namesOption,
  outputOptions,
  priorityOption,
  OUTPUT_OPTIONS,
  type OutputOptions,
} from './bench-options.ts';
import { roundOrder } from './harness.ts';
import { describeMachine, describeRun } from './machine.ts';
import { findWorkspaceRoot, publishResults } from './results.ts';
import { withBenchLab } from './lab/bench-lab.ts';
import { startLabChild } from './lab/lab-child.ts';
import { sleep } from './lab/line-collector.ts';
import { startMeasured, type MeasuredProcess } from './lab/measured-process.ts';
import {
  combineFloods,
  parseDeviceStopped,
  parseFloodResult,
  parseLibraryStopped,
  parseUdpSnmp,
  stormUsage,
  udpDelta,
  type UdpCounters,
} from './storm/storm-counters.ts';
import { DEVICE_NAMES, stormMarkdown, type DeviceName, type StormTrial } from './storm/storm-report.ts';
import { compileC } from './lab/compile-c.ts';

const UUID = '5d9a3c1e-0b7e-4c55-9a53-2f0c0ffee001';
const UDN = `uuid:${UUID}`;
const DRAIN_MS = 5600;
/** When the legitimate search goes out, from the storm's start. */
const CONTROLLER_AT_MS = 3000;
const RAISED_CAPS = [
  '--source-rate',
  '1000000',
  '--source-burst',
  '1000000',
  '--response-rate',
  '10000000',
  '--max-pending',
  '10000000',
];

interface Options extends OutputOptions {
  readonly rates: readonly number[];
  readonly durationMs: number;
  readonly rounds: number;
  readonly devices: readonly DeviceName[];
  readonly generators: number | 'auto';
  /** Niceness of every lab process (0: unchanged). */
  readonly priority: number;
}

function readOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rates: { type: 'string' },
      'duration-ms': { type: 'string' },
      rounds: { type: 'string' },
      devices: { type: 'string' },
      generators: { type: 'string' },
      priority: { type: 'string' },
      ...OUTPUT_OPTIONS,
    },
    strict: true,
  });
  return {
    rates: integerListOption(values.rates ?? '1000,5000,20000,50000', '--rates'),
    durationMs: integerOption(values['duration-ms'], 10_000, '--duration-ms'),
    rounds: integerOption(values.rounds, 2, '--rounds'),
    devices: namesOption(values.devices ?? DEVICE_NAMES.join(','), DEVICE_NAMES, '--devices'),
    generators:
      values.generators === undefined || values.generators === 'auto'
        ? 'auto'
        : integerOption(values.generators, 1, '--generators'),
    ...outputOptions(values, 'storm'),
    priority: priorityOption(values.priority),
  };
}

function compileFlood(root: string): string {
  return compileC(root, 'storm/flood.c', 'flood');
}

interface Lab {
  readonly lab: NetnsLab;
  readonly priority: number;
  readonly root: string;
  readonly tmp: string;
  readonly flood: string;
  readonly generatorAddress: string;
  readonly deviceAddress: string;
  readonly controllerAddress: string;
}

async function udpCounters(lab: Lab): Promise<UdpCounters> {
  return parseUdpSnmp((await lab.lab.exec('device', 'cat', ['/proc/net/snmp'])).stdout);
}

function startDevice(
  lab: Lab,
  device: DeviceName,
  label: string,
): { process: MeasuredProcess; stdoutFile: string | undefined } {
  if (device === 'ours' || device === 'ours-raised') {
    // Our device prints a line per search and per answered search: to a file on tmpfs, not through the benchmark.
    const stdoutFile = join(lab.tmp, `${label}.out`);
    const process = startMeasured({
      lab: lab.lab,
      priority: lab.priority,
      host: 'device',
      script: join(lab.root, 'packages/device-app/bin/ssdp-device.js'),
      args: [
        '--interface',
        lab.deviceAddress,
        '--uuid',
        UUID,
        '--name',
        'Storm target',
        '--state-dir',
        join(lab.tmp, 'state'),
        ...(device === 'ours-raised' ? RAISED_CAPS : []),
      ],
      label,
      tmpDirectory: lab.tmp,
      sampleMs: 100,
      stdoutFile,
    });
    return { process, stdoutFile };
  }
  const script = device === 'node-ssdp' ? 'node-ssdp-server.ts' : 'achingbrain-advertiser.ts';
  const process = startMeasured({
    lab: lab.lab,
    priority: lab.priority,
    host: 'device',
    nodeFlags: ['--import', 'tsx'],
    script: join(lab.root, 'tools/bench/src/storm', script),
    args: ['--udn', UDN, '--address', lab.deviceAddress],
    label,
    tmpDirectory: lab.tmp,
    sampleMs: 100,
  });
  return { process, stdoutFile: undefined };
}

async function waitForFileLine(file: string, test: (line: string) => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // Not created yet.
    }
    if (text.split('\n').some(test)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the device in ${file}`);
    await sleep(50);
  }
}

function generatorCount(options: Options, rate: number): number {
  if (options.generators !== 'auto') return options.generators;
  // One C process reaches 50k/s here at ~15% of a core; two halves keep the pacing honest on a loaded machine.
  return rate > 25_000 ? 2 : 1;
}

async function runTrial(
  lab: Lab,
  device: DeviceName,
  rate: number,
  round: number,
  options: Options,
): Promise<StormTrial> {
  const label = `${device}-${rate}-${round}`;
  const { process: measured, stdoutFile } = startDevice(lab, device, label);
  if (stdoutFile !== undefined) await waitForFileLine(stdoutFile, (line) => line.includes('advertisements)'), 60_000);
  else await measured.stdout.waitFor((line) => line.includes('"ready"'), 60_000, `${device} to start`);
  // Its start-up NOTIFYs are over before the storm.
  await sleep(1500);
  const before = await udpCounters(lab);

  const generators = generatorCount(options, rate);
  const stormStart = Date.now();
  const floods = [...Array(generators).keys()].map(async (index) => {
    const flood = startLabChild({
      lab: lab.lab,
      host: 'gen',
      file: lab.flood,
      args: [
        '--bind',
        lab.generatorAddress,
        '--udn',
        UDN,
        '--rate',
        String(rate / generators),
        '--duration-ms',
        String(options.durationMs),
        '--drain-ms',
        String(DRAIN_MS),
        '--st-offset',
        String(index),
      ],
      priority: lab.priority,
    });
    const { code, signal } = await flood.process.exited;
    const line = flood.stdout.lines.find((l) => l.startsWith('{'));
    if (code !== 0 || line === undefined)
      throw new Error(`flood exited ${code ?? signal}: ${flood.stderr.lines.join(' ')}`);
    return line;
  });

  // The legitimate search, in the middle of the storm.
  await sleep(CONTROLLER_AT_MS);
  const controller = startMeasured({
    lab: lab.lab,
    priority: lab.priority,
    host: 'ctl',
    script: join(lab.root, 'packages/controller-app/bin/ssdp-controller.js'),
    args: ['--interface', lab.controllerAddress, '--once', '--mx', '3', '--json', '--no-describe'],
    label: `controller-${label}`,
    tmpDirectory: lab.tmp,
    sampleMs: 1000,
  });
  const controllerExit = await controller.exited(60_000);
  const found = controller.stdout.lines
    .filter((line) => line.includes('"device-found"'))
    .map((line) => JSON.parse(line) as { udn: string; usns: string[] });
  const target = found.find((record) => record.udn.toLowerCase() === UDN);

  const flood = combineFloods(await Promise.all(floods).then((lines) => lines.map(parseFloodResult)));
  const stormEnd = stormStart + flood.sendSeconds * 1000;
  const after = await udpCounters(lab);
  const exit = await measured.stop(15_000);
  const usage = stormUsage(measured.sampler.samples, stormStart, stormEnd);

  let app: StormTrial['app'];
  if (stdoutFile !== undefined) {
    const lines = readFileSync(stdoutFile, 'utf8').split('\n');
    const stopped = lines.reverse().find((line) => line.startsWith('stopped ('));
    if (stopped === undefined) throw new Error(`${label}: no stopped line (exit ${exit.code} ${exit.signal})`);
    const stats = parseDeviceStopped(stopped);
    app = { searches: stats.searches, responses: stats.responses, dropped: stats.dropped };
    rmSync(stdoutFile, { force: true });
  } else {
    const stats = parseLibraryStopped(measured.stdout.lines);
    app = { searches: stats.searches, responses: stats.responses, dropped: {} };
  }
  const trial: StormTrial = {
    device,
    rate,
    round,
    generators,
    durationMs: options.durationMs,
    flood,
    udp: udpDelta(before, after),
    app,
    usage,
    maxRssKiB: exit.usage?.maxRssKiB,
    legitimate: {
      answered: target !== undefined,
      usns: target?.usns.length ?? 0,
      exitCode: controllerExit.code,
    },
  };
  process.stderr.write(
    `storm: ${label}: sent ${Math.round(flood.achievedRate)}/s, device read ${Math.round(trial.udp.inDatagrams / flood.sendSeconds)}/s ` +
      `(kernel dropped ${trial.udp.rcvbufErrors}), answered ${app.searches}, responses ${app.responses} (wire ${flood.responses}, late ${flood.late}, ` +
      `max late ${flood.maxLateMs.toFixed(0)} ms), cpu ${usage.cores.toFixed(2)} cores, rss ${(usage.rssStartKiB / 1024).toFixed(0)}→${(usage.rssEndKiB / 1024).toFixed(0)} MiB, ` +
      `legit ${trial.legitimate.answered ? 'answered' : 'NOT answered'}\n`,
  );
  return trial;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const availability = netnsAvailable();
  if (!availability.ok) throw new Error(`network namespaces are not available: ${availability.reason}`);
  const root = findWorkspaceRoot();
  const machine = describeMachine();
  const flood = compileFlood(root);
  // The scratch directory holds our device's stdout (a line per search): on tmpfs.
  const labInit = {
    benchmark: 'storm',
    hosts: ['gen', 'device', 'ctl'],
    priority: options.priority,
    scratchParent: '/dev/shm',
  };
  await withBenchLab(labInit, async (netns, tmp) => {
    const lab: Lab = {
      lab: netns,
      priority: options.priority,
      root,
      tmp,
      flood,
      generatorAddress: netns.host('gen').interfaces[0]!.address,
      deviceAddress: netns.host('device').interfaces[0]!.address,
      controllerAddress: netns.host('ctl').interfaces[0]!.address,
    };
    const trials: StormTrial[] = [];
    for (const rate of options.rates) {
      for (let round = 1; round <= options.rounds; round += 1) {
        // Rotate the order every round so no device always runs first (or right after the heaviest one).
        for (const device of roundOrder(options.devices, round - 1))
          trials.push(await runTrial(lab, device, rate, round, options));
      }
    }
    const facts = describeRun(root, machine, [
      'packages/device-app/src',
      'packages/transport/src',
      'packages/protocol/src',
      'tools/bench/src',
    ]);
    const shared = { ...facts, options, raisedCaps: RAISED_CAPS, drainMs: DRAIN_MS, trials };
    const json = { benchmark: 'storm', ...shared, udn: UDN };
    const markdown = stormMarkdown({ ...shared, controllerAtMs: CONTROLLER_AT_MS, priority: options.priority });
    publishResults('storm', options, json, markdown);
  });
}

await main();
