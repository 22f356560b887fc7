// Hostile devices against a real `ssdp-controller` in a namespace lab. An evil host advertises one UDN per
// description attack (slowloris, 1 GB bodies, a redirect chain, XML bombs, a LOCATION on another host or on
// file:/// or 127.0.0.1:22) and floods NOTIFYs with random UDNs pointing at its slowloris route, while a real
// `ssdp-device` starts on a third host. Each attack must end in a describe-failed on its own UDN with the right
// reason, within bounded time and server-side bytes; the registry must stay at its bound; and the good device
// must be discovered during the attacks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNetnsLab, netnsAvailable, type NetnsLab } from '@ssdp/netns';
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
import { readUdpSockets } from './lab/proc.ts';
import { LAB_PREFIX } from './lab/lab-prefix.ts';
import { runScript } from './lab/run-script.ts';
import { ATTACKS, type Attack, type EvilPlan, type EvilResult } from './evil-device.ts';
import { createRandom } from './random.ts';

/** What each attack must be reported as (controller-app README, "Describer"). */
export const EXPECTED: Readonly<Record<Attack, { reason: string; code?: string }>> = {
  'slowloris-body': { reason: 'timeout' },
  'slowloris-headers': { reason: 'timeout' },
  'huge-body': { reason: 'too-large' },
  'huge-chunked': { reason: 'too-large' },
  'redirect-chain': { reason: 'too-many-redirects' },
  'redirect-off-host': { reason: 'redirect-off-host' },
  'billion-laughs': { reason: 'invalid-description', code: 'SSDP_ERR_XML_FORBIDDEN' },
  'deep-nesting': { reason: 'invalid-description', code: 'SSDP_ERR_XML_TOO_DEEP' },
  'many-elements': { reason: 'invalid-description', code: 'SSDP_ERR_XML_TOO_MANY_ELEMENTS' },
  'another-host': { reason: 'foreign-host' },
  'file-url': { reason: 'bad-location' },
  'loopback-ssh': { reason: 'foreign-host' },
};

/** The controller's describe deadline (DEFAULT_DESCRIBE_TIMEOUT_MS). */
export const DESCRIBE_DEADLINE_MS = 3000;

export interface AttackOutcome {
  readonly attack: Attack;
  readonly udn: string;
  readonly reason: string | undefined;
  readonly code: string | undefined;
  readonly detail: string | undefined;
  /** From the device's first appearance (device-added or its first event) to describe-failed, ms. */
  readonly costMs: number | undefined;
  readonly serverBytes: number;
  readonly serverConnections: number;
  readonly serverLongestMs: number;
}

export interface HostileResult {
  readonly outcomes: readonly AttackOutcome[];
  readonly flood: {
    readonly sent: number;
    readonly durationMs: number;
    readonly maxDevices: number;
    readonly maxRegistry: number;
    readonly evicted: number;
    readonly added: number;
    readonly socketDrops: number;
    /** Description fetches of flood UDNs the evil server saw (concurrency 8, queue 1024 in the controller). */
    readonly fetches: number;
  };
  readonly good: {
    readonly udn: string;
    readonly discoveredAfterMs: number | undefined;
    readonly describedAfterMs: number | undefined;
    readonly friendlyName: unknown;
    readonly duringAttacks: boolean;
  };
  readonly victimConnections: number;
  readonly rss: { readonly baselineKiB: number; readonly peakKiB: number; readonly afterKiB: number };
  readonly checks: Checks['list'];
}

/** The attacks first (costs measured on an otherwise idle controller), the NOTIFY flood after this delay. */
const FLOOD_DELAY_MS = 5000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runHostileDevices(options: {
  floodCount: number;
  floodPerSecond?: number;
  durationS: number;
  maxDevices?: number;
  log?: (line: string) => void;
}): Promise<HostileResult> {
  const availability = netnsAvailable();
  if (!availability.ok) throw new Error(`the hostile-device run needs network namespaces: ${availability.reason}`);
  const log = options.log ?? (() => undefined);
  const maxDevices = options.maxDevices ?? 10_000;
  const checks = new Checks();
  const temp = mkdtempSync(path.join(tmpdir(), 'ssdp-hostile-'));
  let lab: NetnsLab | undefined;
  const apps: AppProcess[] = [];
  try {
    lab = await createNetnsLab({ prefix: LAB_PREFIX, hosts: ['controller', 'evil', 'good', 'victim'] });
    const address = (host: string): string => lab!.host(host).interfaces[0]!.address;
    const controller = spawnApp(lab, 'controller', 'controller', CONTROLLER_BIN, [
      '--interface',
      'eth0',
      '--json',
      '--max-devices',
      String(maxDevices),
    ]);
    apps.push(controller);
    await controller.waitFor((e) => e.event === 'search-sent', 20_000, 'search-sent');
    await sleep(1000);
    const baselineKiB = controller.rssKiB() ?? 0;
    const sampler = sampleRss([controller]);

    const random = createRandom(99);
    const uuids = Object.fromEntries(ATTACKS.map((a) => [a, random.uuid()])) as Record<Attack, string>;
    const plan: EvilPlan = {
      mode: 'evil',
      address: address('evil'),
      httpPort: 0,
      victim: address('victim'),
      victimPort: 8080,
      durationMs: options.durationS * 1000,
      uuids,
      repeatEveryMs: 2000,
      floodCount: options.floodCount,
      floodPerSecond: options.floodPerSecond ?? 1000,
      floodDelayMs: FLOOD_DELAY_MS,
      seed: 7,
    };
    const victimPlan: EvilPlan = {
      ...plan,
      mode: 'victim',
      address: address('victim'),
      durationMs: options.durationS * 1000 + 2000,
    };
    const started = Date.now();
    const victimRun = runScript<EvilResult>(lab, 'victim', 'evil-device.ts', [JSON.stringify(victimPlan)]);
    victimRun.catch(() => undefined); // awaited below; a failure elsewhere must not leave it unhandled
    await sleep(300); // the victim listens before anyone can be pointed at it
    const evilRun = runScript<EvilResult>(lab, 'evil', 'evil-device.ts', [JSON.stringify(plan)]);
    evilRun.catch(() => undefined);

    // The good device starts while the attacks are re-announced and the NOTIFY flood is going on.
    await sleep(FLOOD_DELAY_MS + 1500);
    const goodStart = Date.now();
    const good = spawnApp(lab, 'good', 'good-device', DEVICE_BIN, [
      '--interface',
      'eth0',
      '--json',
      '--state-dir',
      mkdtempSync(path.join(temp, 'state-')),
      '--name',
      'Good device',
    ]);
    apps.push(good);
    const goodUdn = (
      (await good.waitFor((e) => e.event === 'started', 20_000, 'started'))['devices'] as { udn: string }[]
    )[0]!.udn;
    const evil = await evilRun;
    const evilEnded = Date.now();
    const victim = await victimRun;
    await sleep(DESCRIBE_DEADLINE_MS + 1500); // the last flood describes run out
    const peaks = sampler.stop();
    const afterKiB = controller.rssKiB() ?? 0;
    const socketDrops = readUdpSockets(controller.pid).reduce((n, s) => n + s.drops, 0);
    checks.check(
      'controller alive after the attacks',
      controller.exitCode === undefined,
      controller.stderr().slice(0, 300),
    );
    await stopApp(good);
    checks.equal('controller exits 0 on SIGTERM', await stopApp(controller), 0);
    checks.check(
      'controller: no stack trace or unexpected error on stderr',
      !/\n\s+at |unexpected error|internal error/.test(controller.stderr()),
      controller.stderr().trim().split('\n').slice(0, 3).join(' | '),
    );

    const byUdn = (udn: string): AppEvent[] => controller.events.filter((e) => e['udn'] === udn);
    const outcomes: AttackOutcome[] = ATTACKS.map((attack) => {
      const udn = `uuid:${uuids[attack]}`;
      const events = byUdn(udn);
      const failed = events.find((e) => e.event === 'describe-failed');
      const route = evil.routes[attack] ?? { connections: 0, bytesWritten: 0, longestMs: 0 };
      // The cost of an attack: from its first NOTIFY to the describe-failed on its UDN.
      const sentAt = evil.firstNotifyAt[attack] ?? evil.startedAt;
      const costMs = failed === undefined ? undefined : Date.parse(String(failed['time'])) - sentAt;
      return {
        attack,
        udn,
        reason: failed?.['reason'] as string | undefined,
        code: (failed?.['code'] ?? undefined) as string | undefined,
        detail: failed?.['detail'] as string | undefined,
        costMs,
        serverBytes: route.bytesWritten,
        serverConnections: route.connections,
        serverLongestMs: route.longestMs,
      };
    });
    for (const outcome of outcomes) {
      const expected = EXPECTED[outcome.attack];
      checks.equal(
        `${outcome.attack}: reported on its own device as ${expected.reason}${expected.code === undefined ? '' : ` ${expected.code}`}`,
        [outcome.reason, outcome.code ?? undefined],
        [expected.reason, expected.code],
      );
      // Bounded time: one deadline covers the whole exchange (plus scheduling on a loaded 2-core machine).
      checks.atMost(
        `${outcome.attack}: cost the controller at most the describe deadline`,
        outcome.costMs ?? Number.POSITIVE_INFINITY,
        DESCRIBE_DEADLINE_MS + 2000,
      );
      checks.atMost(
        `${outcome.attack}: the server could push only a bounded amount`,
        outcome.serverBytes,
        16 * 1024 * 1024,
      );
      checks.atMost(
        `${outcome.attack}: no connection outlived the deadline`,
        outcome.serverLongestMs,
        DESCRIBE_DEADLINE_MS + 2000,
      );
    }
    for (const attack of ['another-host', 'file-url', 'loopback-ssh'] as const) {
      checks.equal(
        `${attack}: refused without any connection`,
        outcomes.find((o) => o.attack === attack)!.serverConnections,
        0,
      );
    }
    checks.equal(
      'another host and the off-host redirect target were never contacted',
      victim.routes['victim']?.connections ?? 0,
      0,
    );
    checks.equal(
      'each attack fetched once (per UDN and CONFIGID), though re-announced every 2 s',
      ATTACKS.filter((a) => !['another-host', 'file-url', 'loopback-ssh', 'redirect-chain'].includes(a))
        .map((a) => [a, evil.routes[a]?.connections ?? 0])
        .filter(([, n]) => n !== 1),
      [],
    );
    checks.equal(
      'the redirect chain: the first request and 3 redirects, no more',
      evil.routes['redirect-chain']?.connections,
      4,
    );

    // The random-UDN flood: the registry stays at its bound.
    let live = 0;
    let maxRegistry = 0;
    let evicted = 0;
    let added = 0;
    for (const event of controller.events) {
      if (event.event === 'device-added') {
        live += 1;
        added += 1;
      }
      if (event.event === 'device-removed') {
        live -= 1;
        if (event['reason'] === 'evicted') evicted += 1;
      }
      maxRegistry = Math.max(maxRegistry, live);
    }
    checks.atMost(`flood: registry never above --max-devices (${maxDevices})`, maxRegistry, maxDevices);
    if (options.floodCount > maxDevices)
      checks.check('flood: the registry evicted the least recently seen', evicted > 0, `${evicted} evicted`);

    // The good device: discovered during the attacks.
    const goodAdded = controller.events.find((e) => e.event === 'device-added' && e['udn'] === goodUdn);
    const goodDescribed = controller.events.find(
      (e) =>
        (e.event === 'device-added' || e.event === 'device-updated') &&
        e['udn'] === goodUdn &&
        e['describe'] === 'described',
    );
    const discoveredAt = goodAdded === undefined ? undefined : Date.parse(String(goodAdded['time']));
    checks.check(
      'good device (started during the flood) discovered during the attacks',
      discoveredAt !== undefined && discoveredAt <= evilEnded,
      goodAdded === undefined ? 'never' : `${discoveredAt! - goodStart} ms after it started`,
    );
    checks.atMost(
      `controller RSS peak within 160 MiB of its baseline`,
      (peaks['controller']?.peakKiB ?? 0) - baselineKiB,
      160 * 1024,
      ' KiB',
    );
    log(
      `attacks: ${outcomes.map((o) => `${o.attack} ${o.reason ?? '?'} ${o.costMs ?? '?'} ms ${o.serverBytes} B`).join('; ')}`,
    );

    return {
      outcomes,
      flood: {
        sent: evil.floodSent,
        durationMs: evil.floodEndedAt - evil.floodStartedAt,
        maxDevices,
        maxRegistry,
        evicted,
        added,
        socketDrops,
        fetches: evil.routes['flood']?.connections ?? 0,
      },
      good: {
        udn: goodUdn,
        discoveredAfterMs: discoveredAt === undefined ? undefined : discoveredAt - goodStart,
        describedAfterMs:
          goodDescribed === undefined ? undefined : Date.parse(String(goodDescribed['time'])) - goodStart,
        friendlyName: goodDescribed?.['friendlyName'],
        duringAttacks: discoveredAt !== undefined && discoveredAt <= evilEnded,
      },
      victimConnections: victim.routes['victim']?.connections ?? 0,
      rss: { baselineKiB, peakKiB: peaks['controller']?.peakKiB ?? 0, afterKiB },
      checks: [...checks.list, { name: 'run time', ok: true, detail: `${Date.now() - started} ms` }],
    };
  } finally {
    for (const app of apps) if (app.exitCode === undefined) app.child.kill('SIGKILL');
    await lab?.destroy();
    rmSync(temp, { recursive: true, force: true });
  }
}
