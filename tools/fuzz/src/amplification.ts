// Amplification and abuse of a real `ssdp-device` in a namespace lab: bytes out / bytes in for an on-link
// flooder (per-source cap), sources spread over many addresses of the subnet (global cap), an off-link flooder
// behind a router (no reply at all), and a flood with the global rate lifted (pending responses stay at their
// cap). The "in" is what the flooder sent, the "out" what came back to its sockets, both UDP payload bytes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNetnsLab, netnsAvailable, type NetnsLab } from '@ssdp/netns';
import { Checks } from './lab/checks.ts';
import { DEVICE_BIN, sampleRss, spawnApp, stopApp, type AppEvent, type AppProcess } from './lab/app-process.ts';
import { readUdpSockets } from './lab/proc.ts';
import { LAB_PREFIX } from './lab/lab-prefix.ts';
import { runScript } from './lab/run-script.ts';
import type { FloodPlan, FloodResult } from './flooder.ts';

export interface Scenario {
  readonly name: string;
  readonly what: string;
  readonly sources: number;
  readonly ratePerSource: number;
  readonly via: 'unicast' | 'multicast';
  readonly mx: number;
  readonly offLink?: boolean;
  readonly deviceArgs?: readonly string[];
  /** Run only in the full set. */
  readonly fullOnly?: boolean;
  /** Seconds in the full set when the default is too short to get past the warm-up (the 1000-answer burst). */
  readonly fullDurationS?: number;
}

/** The device defaults these scenarios test (packages/device-app/src/limits.ts, S = 3 for one Basic device). */
export const DEVICE_DEFAULTS = {
  advertisements: 3,
  sourceBurst: 20,
  sourceRate: 2,
  responseBurst: 1000,
  responseRate: 20,
  maxPending: 1000,
} as const;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'control-point',
    what: 'a normal control point: one ssdp:all every 5 s',
    sources: 1,
    ratePerSource: 0.2,
    via: 'multicast',
    mx: 1,
  },
  {
    name: 'one-source-100',
    what: 'one on-link address, 100 searches/s',
    sources: 1,
    ratePerSource: 100,
    via: 'unicast',
    mx: 1,
  },
  {
    name: 'one-source-1000',
    what: 'one on-link address, 1000 searches/s',
    sources: 1,
    ratePerSource: 1000,
    via: 'unicast',
    mx: 1,
    fullOnly: true,
  },
  {
    name: 'spread-10x2',
    what: '10 addresses, 2 searches/s each (each within its own cap)',
    sources: 10,
    ratePerSource: 2,
    via: 'unicast',
    mx: 1,
    fullDurationS: 60,
  },
  {
    name: 'spread-100x2',
    what: '100 addresses, 2 searches/s each',
    sources: 100,
    ratePerSource: 2,
    via: 'unicast',
    mx: 1,
  },
  {
    name: 'spread-100x20',
    what: '100 addresses, 20 searches/s each',
    sources: 100,
    ratePerSource: 20,
    via: 'unicast',
    mx: 1,
    fullOnly: true,
  },
  {
    name: 'spread-5000x2',
    what: '5000 addresses (more than the 4096-entry source table), 2 searches/s each',
    sources: 5000,
    ratePerSource: 2,
    via: 'unicast',
    mx: 1,
  },
  {
    name: 'off-link-1000',
    what: 'a routed (off-link) address, 1000 searches/s',
    sources: 1,
    ratePerSource: 1000,
    via: 'unicast',
    mx: 1,
    offLink: true,
  },
  {
    name: 'pending-bound',
    what: '1000 addresses x 10/s, multicast MX 5, global rate lifted (--response-rate 1000000): only the pending cap holds',
    sources: 1000,
    ratePerSource: 10,
    via: 'multicast',
    mx: 5,
    deviceArgs: ['--response-rate', '1000000'],
  },
];

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly durationS: number;
  /** Seconds from the device's first search to its last answer. */
  readonly activeS: number;
  readonly flood: FloodResult;
  readonly ratio: number;
  /** The second of the run from which a rate cap was engaged (first rate-limit drop + 1), if it engaged. */
  readonly engagedAtS: number | undefined;
  readonly steadySeconds: number;
  /** Ratio and answers per second once the cap is engaged (after the warm-up bursts). */
  readonly steadyRatio: number;
  readonly steadyRepliesPerSecond: number;
  readonly steadySearchesPerSecond: number;
  /** Answers in the first 2 seconds (the burst allowances). */
  readonly warmupReplies: number;
  readonly maxPending: number;
  readonly deviceStats: {
    readonly searches: number;
    readonly responses: number;
    readonly dropped: Record<string, number>;
  };
  readonly rss: { readonly baselineKiB: number; readonly peakKiB: number };
  /** Datagrams the kernel dropped on the device's sockets (receive buffer full). */
  readonly socketDrops: number;
}

export interface AmplificationResult {
  readonly durationS: number;
  readonly scenarios: readonly ScenarioResult[];
  readonly checks: Checks['list'];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Extra addresses for the flooder: 10.80.<1 + i/250>.<1 + i%250>, all on the device's /18. */
export function sourceAddress(i: number): string {
  return `10.80.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

export async function runAmplification(options: {
  durationS: number;
  full: boolean;
  only?: readonly string[];
  log?: (line: string) => void;
}): Promise<AmplificationResult> {
  const availability = netnsAvailable();
  if (!availability.ok) throw new Error(`the amplification run needs network namespaces: ${availability.reason}`);
  const log = options.log ?? (() => undefined);
  const scenarios = SCENARIOS.filter(
    (s) => (options.full || s.fullOnly !== true) && (options.only === undefined || options.only.includes(s.name)),
  );
  const checks = new Checks();
  const temp = mkdtempSync(path.join(tmpdir(), 'ssdp-amplification-'));
  let lab: NetnsLab | undefined;
  const results: ScenarioResult[] = [];
  try {
    lab = await createNetnsLab({
      prefix: LAB_PREFIX,
      links: [
        { name: 'lan', subnet: '10.80.0.0/18' },
        { name: 'wan', subnet: '10.81.0.0/24' },
      ],
      hosts: ['device', 'flooder', { name: 'router', links: ['lan', 'wan'] }, { name: 'outsider', links: ['wan'] }],
    });
    const address = (host: string, index = 0): string => lab!.host(host).interfaces[index]!.address;
    await lab.exec('router', 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    await lab.exec('outsider', 'ip', ['route', 'replace', '10.80.0.0/18', 'via', address('router', 1)]);
    const most = Math.max(...scenarios.filter((s) => s.offLink !== true).map((s) => s.sources));
    const batch = path.join(temp, 'addresses.batch');
    writeFileSync(
      batch,
      Array.from({ length: most }, (_, i) => `address add ${sourceAddress(i)}/18 dev eth0\n`).join(''),
    );
    await lab.exec('flooder', 'ip', ['-batch', batch], { timeoutMs: 120_000 });
    log(
      `lab ${lab.id}: device ${address('device')}, flooder with ${most} addresses on 10.80.0.0/18, outsider ${address('outsider')} behind a router`,
    );

    for (const scenario of scenarios) {
      const durationS = options.full ? (scenario.fullDurationS ?? options.durationS) : options.durationS;
      const device = spawnApp(lab, 'device', `device (${scenario.name})`, DEVICE_BIN, [
        '--interface',
        'eth0',
        '--json',
        '--state-dir',
        mkdtempSync(path.join(temp, 'state-')),
        ...(scenario.deviceArgs ?? []),
      ]);
      let flood: FloodResult;
      let rssFigures: ScenarioResult['rss'];
      let socketDrops: number;
      try {
        await device.waitFor((e) => e.event === 'started', 20_000, 'started');
        await sleep(1200); // past the initial announcements
        const baselineKiB = device.rssKiB() ?? 0;
        const sampler = sampleRss([device]);
        const plan: FloodPlan = {
          sources:
            scenario.offLink === true
              ? [address('outsider')]
              : Array.from({ length: scenario.sources }, (_, i) => sourceAddress(i)),
          ratePerSource: scenario.ratePerSource,
          durationMs: durationS * 1000,
          via: scenario.via,
          target: address('device'),
          port: 1900,
          mx: scenario.mx,
          tailMs: scenario.mx * 1000 + 500,
        };
        flood = await runScript<FloodResult>(
          lab,
          scenario.offLink === true ? 'outsider' : 'flooder',
          'flooder.ts',
          [JSON.stringify(plan)],
          { timeoutMs: durationS * 1000 + 60_000 },
        );
        rssFigures = { baselineKiB, peakKiB: sampler.stop()[device.name]?.peakKiB ?? 0 };
        socketDrops = readUdpSockets(device.pid).reduce((n, socket) => n + socket.drops, 0);
        const code = await stopApp(device);
        checks.equal(`${scenario.name}: device exits 0`, code, 0);
      } finally {
        if (device.exitCode === undefined) device.child.kill('SIGKILL');
      }
      const result = summarize(scenario, durationS, flood, device, rssFigures, socketDrops);
      results.push(result);
      log(
        `${scenario.name}: ${flood.searches} searches (${flood.bytesIn} B) -> ${flood.responses} answers (${flood.bytesOut} B): ratio ${result.ratio.toFixed(2)}, ` +
          `cap engaged from second ${result.engagedAtS ?? '-'}: ${result.steadyRatio.toFixed(2)} at ${result.steadyRepliesPerSecond.toFixed(1)} answers/s; warm-up ${result.warmupReplies}; max pending ${result.maxPending}; ` +
          `RSS ${(rssFigures.baselineKiB / 1024).toFixed(1)} -> peak ${(rssFigures.peakKiB / 1024).toFixed(1)} MiB`,
      );
      judge(checks, result);
    }
    return { durationS: options.durationS, scenarios: results, checks: checks.list };
  } finally {
    await lab?.destroy();
    rmSync(temp, { recursive: true, force: true });
  }
}

function summarize(
  scenario: Scenario,
  durationS: number,
  flood: FloodResult,
  device: AppProcess,
  rss: ScenarioResult['rss'],
  socketDrops: number,
): ScenarioResult {
  const stopped = device.events.find((e) => e.event === 'stopped');
  const stats = (stopped?.['stats'] ?? { searches: 0, responses: 0, dropped: {} }) as ScenarioResult['deviceStats'];
  // Pending responses over time, from the device's own events: scheduled by a search minus sent or failed.
  let pending = 0;
  let maxPending = 0;
  for (const event of device.events) {
    if (event.event === 'search-received') pending += Number(event['responses']);
    if (event.event === 'response-sent') pending -= 1;
    maxPending = Math.max(maxPending, pending);
  }
  // The cap engages at the first rate-limit drop; from the next second on, the run is in its steady state.
  // (engagedAtS counts from the flood's first second.)
  const limitTimes = ['source-rate-limit', 'response-rate-limit', 'amplification-guard']
    .map((reason) => device.firstDropAt.get(reason))
    .filter((t): t is string => t !== undefined && t !== '')
    .map((t) => Date.parse(t));
  // Answers granted before that still go out over the response window (1 s unicast, MX multicast), and later
  // still when the device's event loop runs behind a backlog of datagrams (its timers fire late on a loaded
  // machine): the steady state starts after the window and after the last of those answers went out.
  const windowS = scenario.via === 'unicast' ? 1 : Math.min(scenario.mx, 5);
  const engagedAtS =
    limitTimes.length === 0
      ? undefined
      : steadyStartS(device.events, Math.min(...limitTimes), windowS, flood.startedAt);
  // The last second also holds the tail (answers still in their MX window): leave it out of the steady rate.
  const steady = engagedAtS === undefined ? [] : flood.seconds.slice(engagedAtS, -1);
  const steadyIn = steady.reduce((n, s) => n + s.bytesIn, 0);
  const steadyOut = steady.reduce((n, s) => n + s.bytesOut, 0);
  // How long the device was answering: from its first search to its last answer (a backlogged device runs late).
  const times = device.events
    .filter((e) => e.event === 'search-received' || e.event === 'response-sent')
    .map((e) => Date.parse(String(e['time'])));
  const activeS = times.length === 0 ? 0 : (Math.max(...times) - Math.min(...times)) / 1000;
  return {
    scenario,
    durationS,
    activeS,
    flood,
    ratio: flood.bytesIn === 0 ? 0 : flood.bytesOut / flood.bytesIn,
    engagedAtS,
    steadySeconds: steady.length,
    steadyRatio: steadyIn === 0 ? 0 : steadyOut / steadyIn,
    steadyRepliesPerSecond: steady.reduce((n, s) => n + s.responses, 0) / Math.max(1, steady.length),
    steadySearchesPerSecond: steady.reduce((n, s) => n + s.searches, 0) / Math.max(1, steady.length),
    warmupReplies: flood.seconds.slice(0, 2).reduce((n, s) => n + s.responses, 0),
    maxPending,
    deviceStats: stats,
    rss,
    socketDrops,
  };
}

/**
 * The second of the flood (counted from its start) from which only answers granted after the cap engaged go out:
 * after the first rate-limit drop plus the response window, and after the last answer to a search received
 * before that drop.
 */
export function steadyStartS(
  events: readonly AppEvent[],
  firstLimitAt: number,
  windowS: number,
  floodStartedAt: number,
): number {
  let lastEarlySearch = 0;
  for (const event of events) {
    if (event.event === 'search-received' && Date.parse(String(event['time'])) < firstLimitAt) {
      lastEarlySearch = Math.max(lastEarlySearch, Number(event['searchId']));
    }
  }
  let lastEarlyAnswerAt = 0;
  for (const event of events) {
    if (event.event === 'response-sent' && Number(event['searchId']) <= lastEarlySearch) {
      lastEarlyAnswerAt = Math.max(lastEarlyAnswerAt, Date.parse(String(event['time'])));
    }
  }
  const from = Math.max(firstLimitAt + windowS * 1000, lastEarlyAnswerAt);
  return Math.max(0, Math.floor((from - floodStartedAt) / 1000)) + 1;
}

function judge(checks: Checks, result: ScenarioResult): void {
  const { scenario, flood } = result;
  const name = scenario.name;
  const d = DEVICE_DEFAULTS;
  const dropped = result.deviceStats.dropped;
  checks.equal(`${name}: flooder send errors`, flood.sendErrors, 0);
  // Beyond what one core parses (a few thousand searches/s here) the kernel drops the rest before the app
  // sees it: cheap, and fine for a flood. Below that, nothing may be lost.
  if (flood.searches / result.durationS <= 2000)
    checks.equal(`${name}: the kernel dropped nothing on the device's sockets`, result.socketDrops, 0);
  // Every search that reached the device is answered or counted under a reason. A search the global caps refuse
  // whole counts once; one they cut short is a search plus one drop per cut answer: a bracket, not an equality.
  const received = flood.searches - result.socketDrops;
  const counted = result.deviceStats.searches + (dropped['off-link'] ?? 0) + (dropped['source-rate-limit'] ?? 0);
  const globalCaps =
    (dropped['pending-cap'] ?? 0) + (dropped['response-rate-limit'] ?? 0) + (dropped['amplification-guard'] ?? 0);
  checks.check(
    `${name}: every search that reached the device answered or counted as a drop`,
    counted <= received && received <= counted + globalCaps,
    `${counted} (+ up to ${globalCaps}) for ${received} received (${flood.searches} sent, ${result.socketDrops} dropped by the kernel)`,
  );
  checks.atMost(
    `${name}: device RSS peak within 64 MiB of its baseline`,
    result.rss.peakKiB - result.rss.baselineKiB,
    64 * 1024,
    ' KiB',
  );
  checks.atMost(`${name}: pending responses within the cap (${d.maxPending})`, result.maxPending, d.maxPending);
  if (scenario.offLink === true) {
    checks.equal(`${name}: no reply at all`, flood.responses, 0);
    checks.equal(`${name}: every search dropped as off-link`, dropped['off-link'], received);
    return;
  }
  if (name === 'control-point') {
    checks.equal(
      `${name}: every search gets the whole set (${d.advertisements} answers)`,
      flood.responses,
      flood.searches * d.advertisements,
    );
    return;
  }
  if (name === 'pending-bound') {
    checks.check(
      `${name}: the pending cap engaged`,
      (dropped['pending-cap'] ?? 0) > 0,
      `${dropped['pending-cap'] ?? 0} pending-cap drops`,
    );
    return;
  }
  // The configured bound over the whole run: the burst allowances plus the rates, per source and overall.
  const seconds = Math.ceil(Math.max(result.durationS, result.activeS)) + 1;
  const perSource = scenario.sources * (d.sourceBurst + d.sourceRate * seconds) * d.advertisements;
  const global = d.responseBurst + d.responseRate * seconds;
  checks.atMost(
    `${name}: answers within the configured allowance (bursts + rates)`,
    flood.responses,
    Math.min(perSource, global),
  );
  // Once a cap is engaged: answers/s at most at its rate, and out/in ≤ 3 even right at a cap's threshold (where
  // the caps alone leave the protocol's ~4x: the amplification guard holds answers to 2.5x the bytes in).
  if (result.steadySeconds >= 3) {
    const cap = Math.min(scenario.sources * d.sourceRate * d.advertisements, d.responseRate);
    checks.atMost(
      `${name}: answers/s once the cap is engaged at the configured rate`,
      Number(result.steadyRepliesPerSecond.toFixed(1)),
      cap * 1.1 + 1,
    );
    checks.atMost(`${name}: amplification once the cap is engaged ≤ 3`, Number(result.steadyRatio.toFixed(2)), 3);
  }
}
