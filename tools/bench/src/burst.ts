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
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createNetnsLab, listLabNamespaces, netnsAvailable, type NetnsLab } from '@ssdp/netns';
import { describeCommand, describeMachine, describeRevision } from './machine.ts';
import { firstSampleOf, hotSpots, hotSpotsBetween, type CpuProfile, type HotSpot } from './profile-summary.ts';
import { findWorkspaceRoot, writeResults } from './results.ts';
import { collectLines, sleep } from './lab/line-collector.ts';
import { resetLabPriority, setLabPriority, startMeasured } from './lab/measured-process.ts';
import { parseUdpSnmp, type UdpCounters } from './storm/storm-counters.ts';
import { burstMarkdown, checkTargets } from './burst/burst-report.ts';
import {
  bareOutcome,
  nodeSsdpOutcome,
  oursOutcome,
  parseSenderResult,
  reduceTrial,
  RECEIVER_NAMES,
  REGIMES,
  type BurstTrial,
  type ReceiverName,
  type ReceiverOutcome,
  type RegimeName,
} from './burst/burst-trial.ts';
import { compileC } from './lab/compile-c.ts';

const PREFIX = 'ssdpb';
const SOURCES = 100;
const FIRST_SOURCE_HOST = 100;
const HTTP_PORT = 8080;
const TAG = '0b5e55ed0b5e';

interface Options {
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
  readonly name: string;
  readonly write: boolean;
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
      name: { type: 'string' },
      'no-write': { type: 'boolean' },
      check: { type: 'boolean' },
    },
    strict: true,
  });
  const list = (text: string): string[] => text.split(',').filter((part) => part !== '');
  const integer = (text: string, flag: string, min: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`${flag}: expected an integer >= ${min}, got ${JSON.stringify(text)}`);
    return value;
  };
  const priority = Number(values.priority ?? 0);
  if (!Number.isInteger(priority) || priority < -20 || priority > 19)
    throw new Error('--priority must be a niceness in -20..19');
  const name = values.name ?? 'burst';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`--name must be kebab-case, not ${JSON.stringify(name)}`);
  return {
    regimes: list(values.regimes ?? 'a,b,c').map((r) => {
      if (!(r in REGIMES)) throw new Error(`--regimes: unknown ${r} (a, b, c)`);
      return r as RegimeName;
    }),
    sizes: list(values.sizes ?? '1000,5000,20000').map((s) => integer(s, '--sizes', 1)),
    receivers: list(values.receivers ?? RECEIVER_NAMES.join(',')).map((r) => {
      if (!(RECEIVER_NAMES as readonly string[]).includes(r))
        throw new Error(`--receivers: unknown ${r} (${RECEIVER_NAMES.join(', ')})`);
      return r as ReceiverName;
    }),
    rounds: integer(values.rounds ?? '1', '--rounds', 1),
    mx: integer(values.mx ?? '5', '--mx', 1),
    recvBuffer: integer(values['recv-buffer'] ?? String(4 * 1024 * 1024), '--recv-buffer', 1),
    profileSize: integer(values['profile-size'] ?? '5000', '--profile-size', 0),
    oursNodeFlags: list(values['ours-node-flags'] ?? '')
      .flatMap((flag) => flag.split(' '))
      .filter((flag) => flag !== ''),
    priority,
    name,
    write: values['no-write'] !== true,
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

/** The receiver's process: script, node flags and arguments. */
function receiverCommand(
  lab: Lab,
  receiver: ReceiverName,
  size: number,
): { script: string; nodeFlags: string[]; args: string[] } {
  const listenMs = String((lab.options.mx + 1) * 1000);
  if (receiver === 'node-ssdp')
    return {
      script: join(lab.root, 'tools/bench/src/discovery/node-ssdp-client.ts'),
      nodeFlags: ['--import', 'tsx'],
      args: ['--listen-ms', listenMs],
    };
  if (receiver === 'bare') {
    return {
      script: join(lab.root, 'tools/bench/src/burst/bare-receiver.ts'),
      nodeFlags: ['--import', 'tsx'],
      args: [
        '--address',
        lab.receiverAddress,
        '--listen-ms',
        listenMs,
        '--recv-buffer',
        String(lab.options.recvBuffer),
      ],
    };
  }
  return {
    script: join(lab.root, 'packages/controller-app/bin/ssdp-controller.js'),
    nodeFlags: [...lab.options.oursNodeFlags],
    args: [
      '--interface',
      lab.receiverAddress,
      '--once',
      '--json',
      '--mx',
      String(lab.options.mx),
      '--recv-buffer',
      String(lab.options.recvBuffer),
      '--max-devices',
      String(Math.max(10_000, size)),
      ...(receiver === 'ours-no-describe' ? ['--no-describe'] : []),
    ],
  };
}

function outcomeOf(receiver: ReceiverName, lines: readonly string[]): ReceiverOutcome {
  if (receiver === 'node-ssdp') return nodeSsdpOutcome(lines);
  if (receiver === 'bare') return bareOutcome(lines);
  return oursOutcome(lines);
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
  const sender = lab.lab.spawn(
    'fleet',
    lab.burst,
    [
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
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  setLabPriority(sender.pid, lab.options.priority);
  const senderLines = collectLines(sender.stdout);
  await senderLines.waitFor((line) => line.includes('"ready"'), 10_000, 'burst.c to be ready');
  const senderExit = new Promise<void>((resolve) => sender.once('exit', () => resolve()));

  const command = receiverCommand(lab, receiver, size);
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
  await Promise.race([senderExit, sleep(5000)]);
  if (sender.exitCode === null) sender.kill('SIGKILL');
  const after = await udpCounters(lab);
  let senderResult;
  try {
    senderResult = parseSenderResult(senderLines.lines);
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
  // With --ours-node-flags --trace-gc: the longest pauses (V8 prints "Mark-Compact 123.4 (...) -> ..., 45.6 / 0.0 ms").
  const pauses = measured.stdout.lines
    .map((line) => /^\[\d+:0x[0-9a-f]+\]\s+\d+ ms: (\S+).*?, ([\d.]+) \/ [\d.]+ ms/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ kind: match[1]!, ms: Number(match[2]) }))
    .sort((x, y) => y.ms - x.ms);
  if (pauses.length > 0)
    process.stderr.write(
      `burst: longest GC pauses: ${pauses
        .slice(0, 5)
        .map((p) => `${p.kind} ${p.ms} ms`)
        .join(', ')}\n`,
    );
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
  const tmp = mkdtempSync(join(tmpdir(), 'ssdp-bench-burst-'));
  const netns = await createNetnsLab({ prefix: PREFIX, hosts: ['fleet', 'rx'] });
  try {
    const fleetAddress = netns.host('fleet').interfaces[0]!.address;
    const subnet = fleetAddress.split('.').slice(0, 3).join('.');
    // The fleet's 100 source addresses, on the same link.
    await netns.exec('fleet', 'sh', [
      '-c',
      `for i in $(seq ${FIRST_SOURCE_HOST} ${FIRST_SOURCE_HOST + SOURCES - 1}); do ip addr add ${subnet}.$i/24 dev eth0; done`,
    ]);
    const lab: Lab = {
      lab: netns,
      root,
      tmp,
      burst,
      options,
      fleetAddress,
      firstSource: `${subnet}.${FIRST_SOURCE_HOST}`,
      receiverAddress: netns.host('rx').interfaces[0]!.address,
    };
    const server = netns.spawn(
      'fleet',
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'tools/bench/src/burst/description-server.ts'),
        '--port',
        String(HTTP_PORT),
        '--tag',
        TAG,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    setLabPriority(server.pid, options.priority);
    const serverLines = collectLines(server.stdout);
    await serverLines.waitFor((line) => line.includes('"ready"'), 30_000, 'the description server');

    const trials: BurstTrial[] = [];
    const failures: string[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const regime of options.regimes) {
        for (const size of options.sizes) {
          const shift = (round - 1) % options.receivers.length;
          const order = [...options.receivers.slice(shift), ...options.receivers.slice(0, shift)];
          for (const receiver of order) {
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
    const profiled = options.profileSize > 0 ? await profiles(lab) : [];
    server.kill('SIGTERM');

    const date = new Date().toISOString();
    const command = describeCommand(root);
    const revision = describeRevision(root, [
      'packages/control-point/src',
      'packages/controller-app/src',
      'packages/transport/src',
      'packages/protocol/src',
      'tools/bench/src',
    ]);
    const input = {
      date,
      machine,
      command,
      revision,
      rounds: options.rounds,
      mx: options.mx,
      recvBuffer: options.recvBuffer,
      priority: options.priority,
      trials,
      failures,
      profiles: profiled,
    };
    const markdown = burstMarkdown(input);
    process.stdout.write(`${markdown}\n`);
    if (options.write) {
      const [jsonPath, markdownPath] = writeResults(
        options.name,
        { benchmark: 'burst', ...input, targets: checkTargets(trials) },
        markdown,
      );
      process.stderr.write(`burst: wrote ${jsonPath} and ${markdownPath}\n`);
    }
    const missed = checkTargets(trials).filter((target) => !target.met);
    if (options.check && (missed.length > 0 || failures.length > 0 || trials.length === 0)) {
      process.stderr.write(`burst: --check: ${missed.length} target(s) not met, ${failures.length} trial(s) failed\n`);
      process.exitCode = 1;
    }
  } finally {
    await netns.destroy();
    resetLabPriority(options.priority);
    rmSync(tmp, { recursive: true, force: true });
    const left = (await listLabNamespaces(PREFIX)).filter((name) => name.startsWith(netns.id));
    if (left.length > 0) process.stderr.write(`burst: namespaces left behind: ${left.join(', ')}\n`);
  }
}

await main();
