// Benchmark 5, bursts of answers (real UDP in network namespaces, issue 13): a fleet host (burst.c, 100 source
// addresses on eth0, and a Node description server) answers one M-SEARCH from the receiver host with N devices,
// in three regimes: (a) 3 answers per device spread over 1 s, (b) 3 all at once, (c) 1 all at once. Receivers,
// rotating within each round: our `ssdp-controller --once --json` with describe on and off, node-ssdp's Client,
// and a bare dgram socket that only counts (with our receive buffer). Per trial: share found, CPU from the search
// until the receiver is done, the namespace's RcvbufErrors, and whether sent - received is exactly that.
// Run: `nx run bench:burst` (root, Linux, a C compiler). Options: --regimes a,b,c --sizes 1000,5000,20000
// --receivers ours,ours-no-describe,node-ssdp,bare --rounds N --mx N --recv-buffer BYTES --profile-size N (0: no
// profiles) --ours-node-flags "--trace-gc" --priority N --name NAME --no-write --check (exit 1 when a target of the
// trials run is not met or a trial failed: the CI smoke, `nx run bench:burst-smoke`).
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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
import { firstSampleOf, hotSpots, hotSpotsBetween, type CpuProfile, type HotSpot } from './profile-summary.ts';
import { findWorkspaceRoot, publishResults } from './results.ts';
import { withBenchLab } from './lab/bench-lab.ts';
import { startLabChild } from './lab/lab-child.ts';
import { sleep } from './lab/line-collector.ts';
import { startMeasured } from './lab/measured-process.ts';
import { parseUdpSnmp, type UdpCounters } from './storm/storm-counters.ts';
import { burstMarkdown, checkTargets } from './burst/burst-report.ts';
import {
  longestGcPauses,
  parseSenderResult,
  reduceTrial,
  RECEIVER_NAMES,
  REGIMES,
  type BurstTrial,
  type ReceiverName,
  type RegimeName,
} from './burst/burst-trial.ts';
import { outcomeOf, receiverCommand } from './burst/burst-receivers.ts';
import { compileC } from './lab/compile-c.ts';

const SOURCES = 100;
const FIRST_SOURCE_HOST = 100;
const HTTP_PORT = 8080;
const TAG = '0b5e55ed0b5e';

interface Options extends OutputOptions {
  readonly regimes: readonly RegimeName[];
  readonly sizes: readonly number[];
  readonly receivers: readonly ReceiverName[];
  readonly rounds: number;
  readonly mx: number;
  readonly recvBuffer: number;
  readonly profileSize: number;
  /** Extra node flags for our controller (e.g. --trace-gc, --max-semi-space-size=16). */
  readonly oursNodeFlags: readonly string[];
  readonly priority: number;
  readonly check: boolean;
}

function readOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      regimes: { type: 'string' },
      sizes: { type: 'string' },
      receivers: { type: 'string' },
      rounds: { type: 'string' },
      mx: { type: 'string' },
      'recv-buffer': { type: 'string' },
      'profile-size': { type: 'string' },
      'ours-node-flags': { type: 'string' },
      priority: { type: 'string' },
      check: { type: 'boolean' },
      ...OUTPUT_OPTIONS,
    },
    strict: true,
  });
  return {
    regimes: namesOption(values.regimes ?? 'a,b,c', Object.keys(REGIMES) as RegimeName[], '--regimes'),
    sizes: integerListOption(values.sizes ?? '1000,5000,20000', '--sizes'),
    receivers: namesOption(values.receivers ?? RECEIVER_NAMES.join(','), RECEIVER_NAMES, '--receivers'),
    rounds: integerOption(values.rounds, 1, '--rounds'),
    mx: integerOption(values.mx, 5, '--mx'),
    recvBuffer: integerOption(values['recv-buffer'], 4 * 1024 * 1024, '--recv-buffer'),
    profileSize: integerOption(values['profile-size'], 5000, '--profile-size', 0),
    oursNodeFlags: listOption(values['ours-node-flags'] ?? '')
      .flatMap((flag) => flag.split(' '))
      .filter((flag) => flag !== ''),
    priority: priorityOption(values.priority),
    ...outputOptions(values, 'burst'),
    check: values.check === true,
  };
}

interface Lab {
  readonly lab: NetnsLab;
  readonly root: string;
  readonly tmp: string;
  readonly burst: string;
  readonly options: Options;
  readonly fleetAddress: string;
  readonly firstSource: string;
  readonly receiverAddress: string;
}

function compileBurst(root: string): string {
  return compileC(root, 'burst/burst.c', 'burst');
}

async function udpCounters(lab: Lab): Promise<UdpCounters> {
  return parseUdpSnmp((await lab.lab.exec('rx', 'cat', ['/proc/net/snmp'])).stdout);
}

async function runTrial(
  lab: Lab,
  regime: RegimeName,
  size: number,
  receiver: ReceiverName,
  round: number,
  profileDir?: string,
): Promise<BurstTrial> {
  const { answers, spreadMs } = REGIMES[regime];
  const before = await udpCounters(lab);
  const sender = startLabChild({
    lab: lab.lab,
    host: 'fleet',
    file: lab.burst,
    args: [
      '--searcher',
      lab.receiverAddress,
      '--listen',
      lab.fleetAddress,
      '--first-source',
      lab.firstSource,
      '--sources',
      String(SOURCES),
      '--devices',
      String(size),
      '--answers',
      String(answers),
      '--spread-ms',
      String(spreadMs),
      '--http-port',
      String(HTTP_PORT),
      '--tag',
      TAG,
      '--timeout-ms',
      '60000',
    ],
    priority: lab.options.priority,
    echoStderr: true,
  });
  await sender.stdout.waitFor((line) => line.includes('"ready"'), 10_000, 'burst.c to be ready');

  const command = receiverCommand(receiver, {
    root: lab.root,
    address: lab.receiverAddress,
    mx: lab.options.mx,
    recvBuffer: lab.options.recvBuffer,
    oursNodeFlags: lab.options.oursNodeFlags,
    size,
  });
  const label = `${receiver}-${regime}-${size}-${round}${profileDir === undefined ? '' : '-profile'}`;
  const measured = startMeasured({
    lab: lab.lab,
    priority: lab.options.priority,
    host: 'rx',
    nodeFlags: [
      ...command.nodeFlags,
      ...(profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-interval', '250', '--cpu-prof-dir', profileDir]),
    ],
    script: command.script,
    args: command.args,
    label,
    tmpDirectory: lab.tmp,
    sampleMs: 50,
  });
  const exit = await measured.exited(180_000);
  await Promise.race([sender.process.exited, sleep(5000)]);
  await sender.process.stop('SIGKILL');
  const after = await udpCounters(lab);
  let senderResult;
  try {
    senderResult = parseSenderResult(sender.stdout.lines);
  } catch (error) {
    const why = `exit ${exit.code} ${exit.signal}; its stderr: ${measured.stderr.lines
      .filter((l) => l !== '')
      .slice(-3)
      .join(' | ')}`;
    throw new Error(`${label}: ${error instanceof Error ? error.message : String(error)} (the receiver: ${why})`, {
      cause: error,
    });
  }
  if (exit.usage === undefined)
    throw new Error(
      `${label}: no usage record (exit ${exit.code} ${exit.signal}); stderr: ${measured.stderr.lines.slice(-3).join(' | ')}`,
    );
  const cpuBefore = measured.sampler.at(senderResult.searchAt)?.cpuMs ?? 0;
  const trial = reduceTrial({
    regime,
    size,
    receiver,
    round,
    sender: senderResult,
    outcome: outcomeOf(receiver, measured.stdout.lines),
    namespaceDrops: after.rcvbufErrors - before.rcvbufErrors,
    cpuAfterSearchMs: Math.max(0, exit.usage.userCpuMs + exit.usage.systemCpuMs - cpuBefore),
    maxRssKiB: exit.usage.maxRssKiB,
    exitCode: exit.code,
  });
  const pauses = longestGcPauses(measured.stdout.lines, 5);
  if (pauses.length > 0)
    process.stderr.write(`burst: longest GC pauses: ${pauses.map((p) => `${p.kind} ${p.ms} ms`).join(', ')}\n`);
  process.stderr.write(
    `burst: (${regime}) ${size} ${receiver} r${round}: sent ${trial.sent} in ${trial.sendMs.toFixed(0)} ms, received ${trial.received}, ` +
      `found ${trial.found} (${(trial.fraction * 100).toFixed(1)}%)${trial.described === undefined ? '' : `, described ${trial.described}`}` +
      `${trial.listedAfterMs === undefined ? '' : ` (listed ${(trial.listedAfterMs / 1000).toFixed(1)} s after the search)`}, ` +
      `cpu ${trial.cpuAfterSearchMs.toFixed(0)} ms, kernel-drops ${trial.namespaceDrops} (own ${String(trial.kernelDrops)}), lost ${trial.lost}` +
      `${trial.lostIsKernelDrops ? '' : ' != drops'}${
        receiver.startsWith('ours')
          ? `, stderr: ${measured.stderr.lines
              .filter((l) => l !== '')
              .slice(-2)
              .join(' | ')}`
          : ''
      }\n`,
  );
  return trial;
}

const spotLines = (spots: readonly HotSpot[], top: number): string[] =>
  spots.slice(0, top).map((spot) => `${(spot.share * 100).toFixed(1)}% ${spot.where}`);

/**
 * One profiled run of ours per regime (describe on for (a), off for (b) and (c)), summarised twice: while the
 * burst arrives (from the first datagram read, for the sender's duration + 100 ms) and over the whole run. The
 * .cpuprofile files stay in tmp/bench/.
 */
async function profiles(lab: Lab): Promise<{ label: string; lines: string[] }[]> {
  const out: { label: string; lines: string[] }[] = [];
  const size = lab.options.profileSize;
  for (const regime of lab.options.regimes) {
    const receiver: ReceiverName = regime === 'a' ? 'ours' : 'ours-no-describe';
    const dir = mkdtempSync(join(lab.tmp, 'prof-'));
    let trial: BurstTrial;
    try {
      trial = await runTrial(lab, regime, size, receiver, 0, dir);
    } catch (error) {
      process.stderr.write(`burst: profile run failed: ${error instanceof Error ? error.message : String(error)}\n`);
      continue;
    }
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (file === undefined) continue;
    const kept = join(lab.root, 'tmp', 'bench', `burst-${regime}-${size}.cpuprofile`);
    copyFileSync(join(dir, file), kept);
    const profile = JSON.parse(readFileSync(kept, 'utf8')) as CpuProfile;
    const first = firstSampleOf(profile, 'onDatagram');
    const during =
      first === undefined ? [] : spotLines(hotSpotsBetween(profile, first, first + trial.sendMs + 100), 10);
    out.push({
      label:
        `(${regime}) ${size.toLocaleString('en-US')} devices, ${receiver} (this run: ${(trial.fraction * 100).toFixed(1)}% found, ` +
        `${trial.cpuAfterSearchMs.toFixed(0)} ms CPU after the search; ${kept.slice(lab.root.length + 1)})`,
      lines: [
        `while the burst arrived (${(trial.sendMs + 100).toFixed(0)} ms): ${during.join('; ') || 'no sample'}`,
        `whole run: ${spotLines(hotSpots(profile), 10).join('; ')}`,
      ],
    });
    await sleep(1000);
  }
  return out;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const availability = netnsAvailable();
  if (!availability.ok) {
    if (!options.check) throw new Error(`network namespaces are not available: ${availability.reason}`);
    process.stderr.write(`burst: skipped: network namespaces are not available: ${availability.reason}\n`);
    return;
  }
  const root = findWorkspaceRoot();
  const machine = describeMachine();
  let burst: string;
  try {
    burst = compileBurst(root);
  } catch (error) {
    // The CI smoke says why it did not run instead of failing a machine without a C compiler.
    if (!options.check) throw error;
    process.stderr.write(`burst: skipped: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    return;
  }
  await withBenchLab({ benchmark: 'burst', hosts: ['fleet', 'rx'], priority: options.priority }, async (netns, tmp) => {
    const lab = await prepareLab(netns, { root, tmp, burst, options });
    const server = startLabChild({
      lab: netns,
      host: 'fleet',
      file: process.execPath,
      args: [
        '--import',
        'tsx',
        join(root, 'tools/bench/src/burst/description-server.ts'),
        '--port',
        String(HTTP_PORT),
        '--tag',
        TAG,
      ],
      priority: options.priority,
      echoStderr: true,
    });
    await server.stdout.waitFor((line) => line.includes('"ready"'), 30_000, 'the description server');
    const { trials, failures } = await runTrials(lab);
    const profiled = options.profileSize > 0 ? await profiles(lab) : [];
    await server.process.stop();

    const facts = describeRun(root, machine, [
      'packages/control-point/src',
      'packages/controller-app/src',
      'packages/transport/src',
      'packages/protocol/src',
      'tools/bench/src',
    ]);
    const input = {
      ...facts,
      rounds: options.rounds,
      mx: options.mx,
      recvBuffer: options.recvBuffer,
      priority: options.priority,
      trials,
      failures,
      profiles: profiled,
    };
    const targets = checkTargets(trials);
    publishResults('burst', options, { benchmark: 'burst', ...input, targets }, burstMarkdown(input));
    const missed = targets.filter((target) => !target.met);
    if (options.check && (missed.length > 0 || failures.length > 0 || trials.length === 0)) {
      process.stderr.write(`burst: --check: ${missed.length} target(s) not met, ${failures.length} trial(s) failed\n`);
      process.exitCode = 1;
    }
  });
}

/** Gives the fleet host its 100 source addresses, on the same link. */
async function prepareLab(netns: NetnsLab, init: Pick<Lab, 'root' | 'tmp' | 'burst' | 'options'>): Promise<Lab> {
  const fleetAddress = netns.host('fleet').interfaces[0]!.address;
  const subnet = fleetAddress.split('.').slice(0, 3).join('.');
  await netns.exec('fleet', 'sh', [
    '-c',
    `for i in $(seq ${FIRST_SOURCE_HOST} ${FIRST_SOURCE_HOST + SOURCES - 1}); do ip addr add ${subnet}.$i/24 dev eth0; done`,
  ]);
  return {
    ...init,
    lab: netns,
    fleetAddress,
    firstSource: `${subnet}.${FIRST_SOURCE_HOST}`,
    receiverAddress: netns.host('rx').interfaces[0]!.address,
  };
}

/** Every regime, size and receiver, round by round, the receivers' order rotating; a failed trial is kept apart. */
async function runTrials(lab: Lab): Promise<{ trials: BurstTrial[]; failures: string[] }> {
  const { options } = lab;
  const trials: BurstTrial[] = [];
  const failures: string[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const regime of options.regimes) {
      for (const size of options.sizes) {
        for (const receiver of roundOrder(options.receivers, round - 1)) {
          try {
            trials.push(await runTrial(lab, regime, size, receiver, round));
          } catch (error) {
            // One broken trial is reported, not the end of a half-hour run.
            const message = error instanceof Error ? error.message : String(error);
            failures.push(message);
            process.stderr.write(`burst: trial failed: ${message}\n`);
          }
          await sleep(1000);
        }
      }
    }
  }
  return { trials, failures };
}

await main();
