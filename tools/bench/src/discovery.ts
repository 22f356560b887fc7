// Benchmark 2, discovery at scale (real UDP in network namespaces): a fleet in one lab host, a control point in
// another, a passive tap in a third. Fleets: `ssdp-device --count N`, and a process of node-ssdp Servers (as
// many as one process can hold, and the same sizes). Control points, alternating round by round: our
// `ssdp-controller --once --mx 3 --json` and node-ssdp's Client (same two sends, same listening window).
// Run: `nx run bench:discovery` (root, Linux). Options: --sizes 100,1000,5000 --node-ssdp-sizes 100,1000,5000,max
// --rounds N --gap-ms N --clients ours,ours-no-describe,node-ssdp --priority=N --name NAME --no-write.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { netnsAvailable, type NetnsLab } from '@ssdp/netns';
import {
  integerListOption,
  integerOption,
  listOption,
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
import { countKind, firstSearchFrom, lastOfKind, parseTapLine, type TapEvent } from './lab/tap-events.ts';
import {
  firstSeenFromControllerOutput,
  firstSeenFromNodeSsdpOutput,
  compactTrial,
  reduceTrial,
  CLIENT_NAMES,
  type ClientName,
  type TrialResult,
} from './discovery/discovery-trial.ts';
import { discoveryMarkdown, type FleetRun } from './discovery/discovery-report.ts';

const MX = 3;
const LISTEN_MS = MX * 1000 + 1000;

interface Options extends OutputOptions {
  readonly sizes: readonly number[];
  readonly nodeSsdpSizes: readonly (number | 'max')[];
  readonly rounds: number;
  readonly gapMs: number;
  readonly clients: readonly ClientName[];
  /** Niceness of every lab process (0: unchanged). */
  readonly priority: number;
}

function readOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      sizes: { type: 'string' },
      'node-ssdp-sizes': { type: 'string' },
      rounds: { type: 'string' },
      'gap-ms': { type: 'string' },
      clients: { type: 'string' },
      priority: { type: 'string' },
      ...OUTPUT_OPTIONS,
    },
    strict: true,
  });
  return {
    sizes: integerListOption(values.sizes ?? '100,1000,5000', '--sizes'),
    nodeSsdpSizes: listOption(values['node-ssdp-sizes'] ?? '100,1000,5000,max').map((part) =>
      part === 'max' ? 'max' : integerOption(part, 0, '--node-ssdp-sizes'),
    ),
    rounds: integerOption(values.rounds, 3, '--rounds'),
    gapMs: integerOption(values['gap-ms'], 1500, '--gap-ms', 0),
    clients: namesOption(values.clients ?? 'ours,node-ssdp', CLIENT_NAMES, '--clients'),
    ...outputOptions(values, 'discovery'),
    priority: priorityOption(values.priority),
  };
}

interface Fleet {
  readonly kind: 'ssdp-device' | 'node-ssdp';
  readonly size: number;
  readonly info: Record<string, unknown>;
  readonly process: MeasuredProcess;
}

interface Lab {
  readonly lab: NetnsLab;
  readonly priority: number;
  readonly root: string;
  readonly tmp: string;
  readonly tap: TapEvent[];
  readonly deviceAddress: string;
  readonly controllerAddress: string;
}

async function waitForQuiet(
  lab: Lab,
  sinceReady: number,
  minWaitMs: number,
  quietMs: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = Date.now();
    if (now - sinceReady >= minWaitMs && now - lastOfKind(lab.tap, 'notify') >= quietMs) return;
    if (now > deadline) throw new Error('the fleet never went quiet (NOTIFYs keep coming)');
    await sleep(100);
  }
}

async function startOurFleet(lab: Lab, size: number): Promise<Fleet> {
  const stateDir = join(lab.tmp, `state-${size}`);
  const process = startMeasured({
    lab: lab.lab,
    priority: lab.priority,
    host: 'device',
    script: join(lab.root, 'packages/device-app/bin/ssdp-device.js'),
    args: ['--interface', lab.deviceAddress, '--count', String(size), '--state-dir', stateDir],
    label: `device-${size}`,
    tmpDirectory: lab.tmp,
    sampleMs: 500,
  });
  const started = await process.stdout.waitFor(
    (line) => line.includes('advertisements)'),
    120_000,
    'ssdp-device to start',
  );
  const readyAt = Date.now();
  // Its three announcement rounds (paced: 64 NOTIFYs per 20 ms) must be over before we search.
  await waitForQuiet(lab, readyAt, 1000, 2000, 120_000);
  return { kind: 'ssdp-device', size, info: { started, startMs: readyAt - process.startedAt }, process };
}

async function startNodeSsdpFleet(lab: Lab, size: number | 'max'): Promise<Fleet> {
  const process = startMeasured({
    lab: lab.lab,
    priority: lab.priority,
    host: 'device',
    nodeFlags: ['--import', 'tsx'],
    script: join(lab.root, 'tools/bench/src/discovery/node-ssdp-fleet.ts'),
    args: ['--count', String(size), '--address', lab.deviceAddress],
    label: `node-ssdp-fleet-${size}`,
    tmpDirectory: lab.tmp,
    sampleMs: 500,
  });
  const line = await process.stdout.waitFor(
    (text) => text.includes('"event":"ready"'),
    300_000,
    'the node-ssdp fleet to start',
  );
  const info = JSON.parse(line) as { count: number };
  // Each Server sends its NOTIFYs 3 s after its start.
  await waitForQuiet(lab, Date.now(), 3500, 2000, 300_000);
  return { kind: 'node-ssdp', size: info.count, info, process };
}

async function runTrial(lab: Lab, fleet: Fleet, client: ClientName, round: number): Promise<TrialResult> {
  const since = Date.now();
  const measured =
    client !== 'node-ssdp'
      ? startMeasured({
          lab: lab.lab,
          priority: lab.priority,
          host: 'ctl',
          script: join(lab.root, 'packages/controller-app/bin/ssdp-controller.js'),
          args: [
            '--interface',
            lab.controllerAddress,
            '--once',
            '--mx',
            String(MX),
            '--json',
            ...(client === 'ours-no-describe' ? ['--no-describe'] : []),
            // The registry holds 10,000 devices by default; a bigger fleet needs a bigger bound.
            ...(fleet.size > 10_000 ? ['--max-devices', String(fleet.size)] : []),
          ],
          label: `${client}-${fleet.kind}-${fleet.size}-${round}`,
          tmpDirectory: lab.tmp,
        })
      : startMeasured({
          lab: lab.lab,
          priority: lab.priority,
          host: 'ctl',
          nodeFlags: ['--import', 'tsx'],
          script: join(lab.root, 'tools/bench/src/discovery/node-ssdp-client.ts'),
          args: ['--listen-ms', String(LISTEN_MS)],
          label: `node-ssdp-${fleet.kind}-${fleet.size}-${round}`,
          tmpDirectory: lab.tmp,
        });
  const exit = await measured.exited(120_000);
  const search = firstSearchFrom(lab.tap, lab.controllerAddress, since);
  if (search === undefined) throw new Error(`${client}: the tap saw no M-SEARCH from ${lab.controllerAddress}`);
  if (exit.usage === undefined) throw new Error(`${client}: no usage record (exit ${exit.code} ${exit.signal})`);
  const firstSeen =
    client === 'node-ssdp'
      ? firstSeenFromNodeSsdpOutput(measured.stdout.lines).firstSeen
      : firstSeenFromControllerOutput(measured.stdout.lines);
  const result = reduceTrial({
    client,
    fleetSize: fleet.size,
    searchAt: search.at,
    firstSeen,
    mx: MX,
    cpuMs: exit.usage.userCpuMs + exit.usage.systemCpuMs,
    cpuBeforeSearchMs: measured.sampler.at(search.at)?.cpuMs ?? 0,
    maxRssKiB: exit.usage.maxRssKiB,
    wallMs: exit.endedAt - measured.startedAt,
    notifiesDuring: countKind(lab.tap, 'notify', search.at, search.at + LISTEN_MS),
    exitCode: exit.code,
  });
  process.stderr.write(
    `discovery: ${fleet.kind} ${fleet.size} round ${round} ${client}: found ${result.found} (${(result.fraction * 100).toFixed(1)}%), ` +
      `last ${result.lastMs.toFixed(0)} ms, cpu ${result.cpuMs.toFixed(0)} ms (${result.cpuAfterSearchMs.toFixed(0)} after the search), ` +
      `rss ${(result.maxRssKiB / 1024).toFixed(0)} MiB\n`,
  );
  return result;
}

async function runFleet(lab: Lab, fleet: Fleet, options: Options): Promise<FleetRun> {
  const trials: TrialResult[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    // The order rotates every round (with two clients: A B, B A, A B ...).
    for (const client of roundOrder(options.clients, round - 1)) {
      trials.push(await runTrial(lab, fleet, client, round));
      // The fleet refills its response budget (our device: 2 x S burst, S/2 per second) before the next search.
      await sleep(options.gapMs);
    }
  }
  const exit = await fleet.process.stop(30_000);
  return { kind: fleet.kind, size: fleet.size, info: { ...fleet.info, peakRssKiB: exit.usage?.maxRssKiB }, trials };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const availability = netnsAvailable();
  if (!availability.ok) throw new Error(`network namespaces are not available: ${availability.reason}`);
  const root = findWorkspaceRoot();
  const machine = describeMachine();
  const labInit = { benchmark: 'discovery', hosts: ['device', 'ctl', 'tap'], priority: options.priority };
  await withBenchLab(labInit, async (netns, tmp) => {
    const lab: Lab = {
      lab: netns,
      priority: options.priority,
      root,
      tmp,
      tap: [],
      deviceAddress: netns.host('device').interfaces[0]!.address,
      controllerAddress: netns.host('ctl').interfaces[0]!.address,
    };
    const tap = startLabChild({
      lab: netns,
      host: 'tap',
      file: process.execPath,
      args: [
        '--import',
        'tsx',
        join(root, 'tools/bench/src/lab/multicast-tap.ts'),
        netns.host('tap').interfaces[0]!.address,
      ],
      priority: options.priority,
      echoStderr: true,
      onStdoutLine: (line) => {
        const event = parseTapLine(line);
        if (event !== undefined) lab.tap.push(event);
      },
    });
    await tap.stdout.waitFor((line) => line.includes('"k":"ready"'), 30_000, 'the tap');

    const runs: FleetRun[] = [];
    for (const size of options.sizes) {
      process.stderr.write(`discovery: starting ssdp-device --count ${size}\n`);
      runs.push(await runFleet(lab, await startOurFleet(lab, size), options));
    }
    for (const size of options.nodeSsdpSizes) {
      process.stderr.write(`discovery: starting ${size} node-ssdp Servers\n`);
      runs.push(await runFleet(lab, await startNodeSsdpFleet(lab, size), options));
    }
    await tap.process.stop();

    const facts = describeRun(root, machine, [
      'packages/controller-app/src',
      'packages/device-app/src',
      'packages/transport/src',
      'packages/protocol/src',
      'tools/bench/src',
    ]);
    const shared = { ...facts, mx: MX, listenMs: LISTEN_MS };
    // The JSON keeps per-UDN times as quantiles: the raw arrays of a full run are megabytes.
    const compacted = runs.map((run) => ({ ...run, trials: run.trials.map(compactTrial) }));
    const json = { benchmark: 'discovery', ...shared, options, runs: compacted };
    const markdown = discoveryMarkdown({ ...shared, rounds: options.rounds, runs, priority: options.priority });
    publishResults('discovery', options, json, markdown);
  });
}

await main();
