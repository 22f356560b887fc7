// The real-UDP fuzz run. In a throwaway namespace lab it starts a real `ssdp-device` and a real
// `ssdp-controller` (--json, --interface eth0), blasts `count` generated datagrams at them from an on-link
// attacker (and a share of them from an off-link host behind a router), samples their RSS, and then checks:
// both are alive; a real M-SEARCH gets the device's full answer; the controller discovers a device started
// after the flood; RSS is back near the baseline; the kernel dropped nothing; and every drop the apps counted
// matches, reason by reason, what the oracle says the attacker sent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNetnsLab, netnsAvailable, type NetnsLab } from '@ssdp/netns';
import type { BlastPlan, BlastResult } from './blaster.ts';
import { Checks } from './lab/checks.ts';
import {
  CONTROLLER_BIN,
  DEVICE_BIN,
  sampleRss,
  spawnApp,
  stopApp,
  type AppEvent,
  type AppProcess,
} from './lab/app-process.ts';
import { diffCounters, readCpuMs, readIpSnmp, readUdpSnmp, readUdpSockets } from './lab/proc.ts';
import { LAB_PREFIX } from './lab/lab-prefix.ts';
import { runScript } from './lab/run-script.ts';
import { HEAP_PROBE_NODE_OPTIONS, readLiveHeap, type LiveHeap } from './lab/live-heap.ts';
import type { ProbeAnswer } from './probe.ts';

export interface FuzzRunOptions {
  readonly count: number;
  readonly seed: number;
  /** Share of `count` sent from the off-link host (default 0.02). */
  readonly offLinkShare?: number;
  /** Receive-queue bound the blaster keeps (bytes, kernel truesize); default 1 MiB. */
  readonly maxQueueBytes?: number;
  /** Settled RSS bound over the baseline, MiB (default RSS_SETTLED_TOLERANCE_MIB). */
  readonly settledToleranceMiB?: number;
  /** Live heap (after a full GC) bound over the baseline's, MiB (default LIVE_HEAP_TOLERANCE_MIB). */
  readonly liveHeapToleranceMiB?: number;
  /** Extra NODE_OPTIONS for both apps (experiments, e.g. --max-semi-space-size=1). */
  readonly nodeOptions?: string;
  /** How long to wait after the flood before the settled RSS is read (default 8 s). */
  readonly settleMs?: number;
  readonly log?: (line: string) => void;
}

export interface RssFigures {
  readonly baselineKiB: number;
  readonly peakKiB: number;
  /** Right after the stream (the controller still holds what the flood registered). */
  readonly afterFloodKiB: number;
  /** After the clean-up byebyes and a settle period. */
  readonly afterKiB: number;
}

export interface FuzzRunResult {
  readonly count: number;
  readonly seed: number;
  readonly durationMs: number;
  readonly attacker: BlastResult;
  readonly outsider: BlastResult;
  readonly device: {
    readonly stats: Record<string, unknown>;
    readonly rss: RssFigures;
    readonly cpuMs: number;
    readonly kernel: Record<string, number>;
    readonly stderrLines: number;
  };
  readonly controller: {
    readonly drops: Record<string, number>;
    readonly dropsFromAttacker: Record<string, number>;
    readonly maxRegistry: number;
    readonly added: number;
    readonly removed: Record<string, number>;
    readonly describeFailed: Record<string, number>;
    readonly rss: RssFigures;
    readonly cpuMs: number;
    readonly kernel: Record<string, number>;
    readonly stderrLines: number;
    readonly stdoutLines: number;
  };
  readonly nodeOptions: string | undefined;
  readonly probe: readonly ProbeAnswer[];
  readonly checks: Checks['list'];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Settled RSS bound by default (`fuzz:full`, Node's defaults): after a flood V8 and glibc keep the pages they grew
 * to, so this only bounds the plateau (docs/security.md has the figures); the leak check is the live heap below.
 */
export const RSS_SETTLED_TOLERANCE_MIB = 128;
/**
 * The leak check: what the apps still reference after the flood, the clean-up and a full GC (heap-probe.mjs), over
 * what they referenced before it. The controller may still hold a few flood devices that did not get a byebye.
 */
export const LIVE_HEAP_TOLERANCE_MIB = 8;
export const RSS_PEAK_TOLERANCE_KIB = 160 * 1024;

export async function runFuzz(options: FuzzRunOptions): Promise<FuzzRunResult> {
  const availability = netnsAvailable();
  if (!availability.ok) throw new Error(`the fuzz run needs network namespaces: ${availability.reason}`);
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const checks = new Checks();
  const stateDirs: string[] = [];
  const stateDir = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ssdp-fuzz-state-'));
    stateDirs.push(dir);
    return dir;
  };
  let lab: NetnsLab | undefined;
  let sampler: ReturnType<typeof sampleRss> | undefined;
  const apps: AppProcess[] = [];
  try {
    lab = await createNetnsLab({
      prefix: LAB_PREFIX,
      links: [{ name: 'lan' }, { name: 'wan', subnet: '10.78.0.0/24' }],
      hosts: [
        'device',
        'controller',
        'attacker',
        'probe',
        'fresh',
        { name: 'router', links: ['lan', 'wan'] },
        { name: 'outsider', links: ['wan'] },
      ],
    });
    const address = (host: string, index = 0): string => lab!.host(host).interfaces[index]!.address;
    // The outsider reaches the LAN only through the router: its datagrams arrive from off the device's subnet.
    await lab.exec('router', 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    await lab.exec('outsider', 'ip', ['route', 'replace', '10.77.0.0/24', 'via', address('router', 1)]);
    log(
      `lab ${lab.id}: device ${address('device')}, controller ${address('controller')}, attacker ${address('attacker')}, outsider ${address('outsider')} (routed)`,
    );

    const appNodeOptions = [options.nodeOptions, HEAP_PROBE_NODE_OPTIONS].filter((o) => o !== undefined).join(' ');
    const device = spawnApp(
      lab,
      'device',
      'device',
      DEVICE_BIN,
      ['--interface', 'eth0', '--json', '--state-dir', stateDir(), '--name', 'Fuzz target'],
      appNodeOptions,
    );
    apps.push(device);
    const deviceStarted = await device.waitFor((e) => e.event === 'started', 20_000, 'started');
    const deviceUdn = (deviceStarted['devices'] as { udn: string }[])[0]!.udn;
    const controller = spawnApp(
      lab,
      'controller',
      'controller',
      CONTROLLER_BIN,
      ['--interface', 'eth0', '--json'],
      appNodeOptions,
    );
    apps.push(controller);
    await controller.waitFor(
      (e) => e.event === 'device-added' && e['udn'] === deviceUdn,
      20_000,
      `device-added ${deviceUdn}`,
    );
    const controllerPort = readUdpSockets(controller.pid).find(
      (s) => s.localAddress === address('controller') && s.localPort !== 1900,
    )?.localPort;
    if (controllerPort === undefined)
      throw new Error('cannot find the controller search socket in /proc/<pid>/net/udp');
    await sleep(2000);

    const kernelBefore = {
      device: { udp: readUdpSnmp(device.pid), ip: readIpSnmp(device.pid) },
      controller: { udp: readUdpSnmp(controller.pid), ip: readIpSnmp(controller.pid) },
    };
    const baseline = { device: device.rssKiB() ?? 0, controller: controller.rssKiB() ?? 0 };
    const liveBefore = { device: await readLiveHeap(device.pid), controller: await readLiveHeap(controller.pid) };
    log(`baseline RSS: device ${mib(baseline.device)}, controller ${mib(baseline.controller)}`);
    sampler = sampleRss([device, controller]);
    const cpuBefore = { device: readCpuMs(device.pid) ?? 0, controller: readCpuMs(controller.pid) ?? 0 };

    const offLinkCount = Math.round(options.count * (options.offLinkShare ?? 0.02));
    const common = {
      deviceAddress: address('device'),
      controllerAddress: address('controller'),
      controllerPort,
      port: 1900,
      closedPort: 9,
      knownUuids: [deviceUdn.slice('uuid:'.length)],
      watchPids: [device.pid, controller.pid],
      maxQueueBytes: options.maxQueueBytes ?? 1024 * 1024,
    };
    const attackerPlan: BlastPlan = {
      ...common,
      seed: options.seed,
      count: options.count - offLinkCount,
      mode: 'fuzz',
      from: address('attacker'),
      cleanup: true,
    };
    const outsiderPlan: BlastPlan = {
      ...common,
      seed: options.seed + 1,
      count: offLinkCount,
      mode: 'off-link',
      from: address('outsider'),
      cleanup: false,
    };
    const [attacker, outsider] = await Promise.all([
      // No fixed time limit: the rate depends on the receivers and the machine (the CLI has an overall watchdog).
      runScript<BlastResult>(lab, 'attacker', 'blaster.ts', [JSON.stringify(attackerPlan)], {
        onStderr: log,
        timeoutMs: 24 * 3600_000,
      }),
      runScript<BlastResult>(lab, 'outsider', 'blaster.ts', [JSON.stringify(outsiderPlan)], {
        onStderr: log,
        timeoutMs: 24 * 3600_000,
      }),
    ]);
    const afterFlood = { device: device.rssKiB() ?? 0, controller: controller.rssKiB() ?? 0 };
    const cpuMs = {
      device: (readCpuMs(device.pid) ?? 0) - cpuBefore.device,
      controller: (readCpuMs(controller.pid) ?? 0) - cpuBefore.controller,
    };
    log(
      `sent ${attacker.sent} + ${outsider.sent} off-link datagrams (${mib(Math.round((attacker.bytes + outsider.bytes) / 1024))}) in ${attacker.durationMs} ms; RSS device ${mib(afterFlood.device)}, controller ${mib(afterFlood.controller)}`,
    );

    // After the flood: a real search gets the device's whole answer, and the controller finds a new device.
    const probe = await runScript<ProbeAnswer[]>(lab, 'probe', 'probe.ts', [
      'search',
      address('probe'),
      'ssdp:all',
      '1',
      '1500',
    ]);
    const fresh = spawnApp(lab, 'fresh', 'fresh-device', DEVICE_BIN, [
      '--interface',
      'eth0',
      '--json',
      '--state-dir',
      stateDir(),
      '--name',
      'Fresh device',
    ]);
    apps.push(fresh);
    const freshUdn = (
      (await fresh.waitFor((e) => e.event === 'started', 20_000, 'started'))['devices'] as { udn: string }[]
    )[0]!.udn;
    const discovered = await controller
      .waitFor((e) => e.event === 'device-added' && e['udn'] === freshUdn, 15_000, `device-added ${freshUdn}`)
      .then(
        (e) => e,
        () => undefined,
      );

    // Let the collectors run, then the settled RSS.
    const settleMs = options.settleMs ?? 8000;
    for (let waited = 0; waited < settleMs; waited += 1000) {
      await sleep(1000);
      if (waited % 5000 === 0)
        log(`settling: RSS device ${mib(device.rssKiB() ?? 0)}, controller ${mib(controller.rssKiB() ?? 0)}`);
    }
    const after = { device: device.rssKiB() ?? 0, controller: controller.rssKiB() ?? 0 };
    const liveAfter = { device: await readLiveHeap(device.pid), controller: await readLiveHeap(controller.pid) };
    const peaks = sampler.stop();
    sampler = undefined;
    const kernel = {
      device: {
        ...prefix('udp.', diffCounters(readUdpSnmp(device.pid), kernelBefore.device.udp)),
        ...prefix('ip.', diffCounters(readIpSnmp(device.pid), kernelBefore.device.ip)),
      },
      controller: {
        ...prefix('udp.', diffCounters(readUdpSnmp(controller.pid), kernelBefore.controller.udp)),
        ...prefix('ip.', diffCounters(readIpSnmp(controller.pid), kernelBefore.controller.ip)),
      },
    };
    const socketDrops = {
      device: readUdpSockets(device.pid).reduce((sum, s) => sum + s.drops, 0),
      controller: readUdpSockets(controller.pid).reduce((sum, s) => sum + s.drops, 0),
    };

    checks.check('device alive after the flood', device.exitCode === undefined);
    checks.check('controller alive after the flood', controller.exitCode === undefined);
    const answers = probe.filter((a) => a.address === address('device'));
    const expectedUsns = [
      `${deviceUdn}::upnp:rootdevice`,
      deviceUdn,
      `${deviceUdn}::urn:schemas-upnp-org:device:Basic:1`,
    ].sort();
    // What the device made of the probe's search (to tell a lost search from a refused or unanswered one).
    const probeSeen = device.events.filter(
      (e) =>
        e.event === 'search-received' && (e['from'] as { address?: string } | undefined)?.address === address('probe'),
    );
    const probeDrops = [...device.dropsBySource].filter(([key]) => key.endsWith(` ${address('probe')}`));
    checks.equal(
      'device answers a real ssdp:all search with its whole set',
      answers.map((a) => a.usn).sort(),
      expectedUsns,
    );
    if (answers.length === 0)
      log(`probe: the device logged ${JSON.stringify(probeSeen)}; drops from the probe: ${JSON.stringify(probeDrops)}`);
    checks.check(
      'every answer is a well-formed search response with a LOCATION on the device',
      answers.every(
        (a) => a.kind === 'search-response' && a.location?.startsWith(`http://${address('device')}:`) === true,
      ),
      JSON.stringify(answers.map((a) => a.location)),
    );
    checks.check('controller discovers a device started after the flood', discovered !== undefined, freshUdn);

    // Stop everything (SIGTERM: the device reports its counters in `stopped`).
    const deviceExit = await stopApp(device);
    const freshExit = await stopApp(fresh);
    const controllerExit = await stopApp(controller);
    checks.equal('device exits 0 on SIGTERM', deviceExit, 0);
    checks.equal('fresh device exits 0 on SIGTERM', freshExit, 0);
    checks.equal('controller exits 0 on SIGTERM', controllerExit, 0);
    const stopped = device.events.find((e) => e.event === 'stopped');
    const stats = (stopped?.['stats'] ?? {}) as {
      searches: number;
      alive: number;
      byebye: number;
      dropped: Record<string, number>;
    };
    checks.check('device reported its counters on stop', stopped !== undefined);

    // Kernel: nothing lost on the way, so the apps' counters must match the oracle exactly.
    for (const [name, counters] of Object.entries(kernel)) {
      checks.equal(
        `${name}: kernel dropped no datagram (RcvbufErrors, InErrors)`,
        [counters['udp.RcvbufErrors'] ?? 0, counters['udp.InErrors'] ?? 0],
        [0, 0],
      );
      checks.equal(`${name}: no fragment reassembly failed`, counters['ip.ReasmFails'] ?? 0, 0);
    }
    checks.equal('sockets report no drops', socketDrops, { device: 0, controller: 0 });
    checks.equal('blaster send errors', attacker.sendErrors + outsider.sendErrors, 0);

    // Device: every datagram counted once, under the oracle's reason.
    const d = stats.dropped ?? {};
    const isAttacker = (e: AppEvent): boolean =>
      (e['from'] as { address?: string } | undefined)?.address === address('attacker');
    const attackerSearches = device.events.filter((e) => e.event === 'search-received' && isAttacker(e)).length;
    checks.equal('device: malformed = oracle', d['malformed'], attacker.device['malformed'] ?? 0);
    checks.equal('device: search-bad-man = oracle', d['search-bad-man'], attacker.device['search-bad-man'] ?? 0);
    checks.equal('device: search-no-host = oracle', d['search-no-host'], attacker.device['search-no-host'] ?? 0);
    checks.equal('device: mx-missing = oracle', d['mx-missing'], attacker.device['mx-missing'] ?? 0);
    checks.equal('device: mx-invalid = oracle', d['mx-invalid'], attacker.device['mx-invalid'] ?? 0);
    checks.equal('device: off-link = datagrams from the routed host', d['off-link'], outsider.device['off-link'] ?? 0);
    // A search the global caps (the response bucket, the amplification guard) refuse whole counts once under
    // response-rate-limit or amplification-guard; one they cut short is answered and counts one per cut answer:
    // so those counts bracket the searches, as in the amplification run.
    const answeredOrLimited = attackerSearches + (d['source-rate-limit'] ?? 0) + (d['pending-cap'] ?? 0);
    const oracleSearches = attacker.device['search'] ?? 0;
    const globalCuts = (d['response-rate-limit'] ?? 0) + (d['amplification-guard'] ?? 0);
    checks.check(
      'device: answered + rate-limited searches of the attacker = oracle searches',
      answeredOrLimited <= oracleSearches && oracleSearches <= answeredOrLimited + globalCuts,
      `${answeredOrLimited} (+ up to ${globalCuts} response-rate-limit/amplification-guard) for ${oracleSearches}`,
    );
    const freshAlive = fresh.events.filter((e) => e.event === 'alive-sent').length;
    const notASearchBase = (attacker.device['not-a-search'] ?? 0) + stats.alive + freshAlive;
    checks.check(
      "device: not-a-search = oracle + its own looped-back NOTIFYs + the fresh device's",
      d['not-a-search'] !== undefined &&
        d['not-a-search'] >= notASearchBase &&
        d['not-a-search'] <= notASearchBase + stats.byebye,
      `${d['not-a-search']} in [${notASearchBase}, ${notASearchBase + stats.byebye}]`,
    );
    checks.equal(
      'device: nothing failed to send, no interface lost',
      [d['send-failed'] ?? 0, d['interface-gone'] ?? 0],
      [0, 0],
    );
    const deviceMalformedEvents = device.drops.get('malformed') ?? 0;
    checks.equal(
      'device: dropped events add up to the stopped counters (malformed)',
      deviceMalformedEvents,
      d['malformed'],
    );

    // Controller: its per-datagram `dropped` events from the attacker, reason by reason.
    const fromAttacker: Record<string, number> = {};
    const fromOthers: Record<string, number> = {};
    for (const [key, n] of controller.dropsBySource) {
      const [reason, source] = key.split(' ') as [string, string];
      const into = source === address('attacker') ? fromAttacker : fromOthers;
      into[reason] = (into[reason] ?? 0) + n;
    }
    const expectedDrops = Object.fromEntries(
      Object.entries(attacker.controller)
        .filter(([verdict]) => verdict.startsWith('drop:'))
        .map(([verdict, n]) => [verdict.slice(5), n]),
    );
    const stateless = Object.fromEntries(
      Object.entries(fromAttacker).filter(([reason]) => reason !== 'stale-bootid' && reason !== 'usn-limit'),
    );
    checks.equal(
      'controller: drops from the attacker = oracle, reason by reason',
      sortKeys(stateless),
      sortKeys(expectedDrops),
    );
    const stateful = (fromAttacker['stale-bootid'] ?? 0) + (fromAttacker['usn-limit'] ?? 0);
    checks.atMost(
      'controller: registry-state drops (stale-bootid, usn-limit) ≤ adverts sent',
      stateful,
      (attacker.controller['advert'] ?? 0) + (attacker.controller['byebye'] ?? 0),
    );
    const otherStateless = Object.entries(fromOthers).filter(
      ([reason]) => reason !== 'stale-bootid' && reason !== 'usn-limit',
    );
    checks.equal('controller: no parse drop for datagrams of real devices', otherStateless, []);

    // Registry bound: replay added/removed.
    let live = 0;
    let maxRegistry = 0;
    const removed: Record<string, number> = {};
    const describeFailed: Record<string, number> = {};
    for (const event of controller.events) {
      if (event.event === 'device-added') live += 1;
      if (event.event === 'device-removed') {
        live -= 1;
        const reason = String(event['reason']);
        removed[reason] = (removed[reason] ?? 0) + 1;
      }
      if (event.event === 'describe-failed') {
        const reason = String(event['reason']);
        describeFailed[reason] = (describeFailed[reason] ?? 0) + 1;
      }
      maxRegistry = Math.max(maxRegistry, live);
    }
    checks.atMost('controller: registry never above --max-devices (10,000)', maxRegistry, 10_000);

    const rss = (name: 'device' | 'controller'): RssFigures => ({
      baselineKiB: baseline[name],
      peakKiB: peaks[name]?.peakKiB ?? 0,
      afterFloodKiB: afterFlood[name],
      afterKiB: after[name],
    });
    for (const name of ['device', 'controller'] as const) {
      const figures = rss(name);
      checks.atMost(
        `${name}: peak RSS during the flood within ${RSS_PEAK_TOLERANCE_KIB / 1024} MiB of the baseline`,
        figures.peakKiB - figures.baselineKiB,
        RSS_PEAK_TOLERANCE_KIB,
        ' KiB',
      );
      const tolerance = options.settledToleranceMiB ?? RSS_SETTLED_TOLERANCE_MIB;
      checks.atMost(
        `${name}: settled RSS within ${tolerance} MiB of the baseline`,
        figures.afterKiB - figures.baselineKiB,
        tolerance * 1024,
        ' KiB',
      );
      const [before, settled] = [liveBefore[name], liveAfter[name]];
      const liveTolerance = options.liveHeapToleranceMiB ?? LIVE_HEAP_TOLERANCE_MIB;
      checks.check(
        `${name}: answered the live-heap probe before and after`,
        before !== undefined && settled !== undefined,
      );
      if (before !== undefined && settled !== undefined) {
        log(`${name}: live heap after a full GC ${liveText(before)} before the flood, ${liveText(settled)} after`);
        checks.atMost(
          `${name}: live heap after a full GC within ${liveTolerance} MiB of the baseline's (no leak)`,
          settled.liveKiB - before.liveKiB,
          liveTolerance * 1024,
          ' KiB',
        );
      }
    }
    // A stack trace on stderr would mean an unexpected error reached the top.
    for (const app of [device, controller, fresh]) {
      checks.check(
        `${app.name}: no stack trace or unexpected error on stderr`,
        !/\n\s+at |unexpected error|internal error/.test(app.stderr()),
        app.stderr().trim().split('\n').slice(0, 3).join(' | '),
      );
    }

    return {
      count: options.count,
      seed: options.seed,
      durationMs: Date.now() - started,
      attacker,
      outsider,
      device: {
        stats: stats as unknown as Record<string, unknown>,
        rss: rss('device'),
        cpuMs: cpuMs.device,
        kernel: kernel.device,
        stderrLines: lines(device.stderr()),
      },
      controller: {
        drops: Object.fromEntries(controller.drops),
        dropsFromAttacker: fromAttacker,
        maxRegistry,
        added: controller.events.filter((e) => e.event === 'device-added').length,
        removed,
        describeFailed,
        rss: rss('controller'),
        cpuMs: cpuMs.controller,
        kernel: kernel.controller,
        stderrLines: lines(controller.stderr()),
        stdoutLines: controller.stdoutLines(),
      },
      nodeOptions: options.nodeOptions,
      probe,
      checks: checks.list,
    };
  } finally {
    sampler?.stop();
    for (const app of apps) if (app.exitCode === undefined) app.child.kill('SIGKILL');
    await lab?.destroy();
    for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
  }
}

const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
const lines = (text: string): number => (text.trim() === '' ? 0 : text.trim().split('\n').length);
const prefix = (p: string, record: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [p + k, v]));
const sortKeys = (record: Record<string, number>): Record<string, number> =>
  Object.fromEntries(
    Object.entries(record)
      .filter(([, v]) => v !== 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

function liveText(heap: LiveHeap): string {
  return `${mib(heap.liveKiB)} (heap ${mib(heap.heapUsedKiB)}, external ${mib(heap.externalKiB)})`;
}
