// Slow-connection floods against the device's description server (issue 17): one attacker host holding 3,000
// slow connections, then 50 attacker addresses holding 60 each. During each flood a control point on another
// host still reads the description within 3 s and gets a unicast M-SEARCH answered within 2 s, and
// `ssdp-controller --once` from a third host finds the device by its friendlyName. Real processes in a lab.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNetnsLab, netnsAvailable, type NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchProbe, UnicastSearchProbe } from '../src/http-probe.ts';
import {
  CONTROLLER_BIN,
  DEVICE_BIN,
  sampleRss,
  spawnApp,
  stopApp,
  type AppEvent,
  type AppProcess,
} from '../src/lab/app-process.ts';
import { LAB_PREFIX } from '../src/lab/lab-prefix.ts';
import { runScript } from '../src/lab/run-script.ts';
import type { SlowHttpReport } from '../src/slow-http.ts';

const availability = netnsAvailable();
const NAME = 'Guarded Lamp';
const HTTP_PORT = 8080;
/** The description server's header deadline (the http-guard default) and the allowed lateness. */
const HEADER_DEADLINE_MS = 5000;
const LATENESS_MS = 1000;
const FLOOD_MS = 16_000;
/** RSS the device may reach under a flood: a bound far above its idle size, far below a leak's. */
const RSS_BOUND_KIB = 200 * 1024;

interface FloodResult {
  readonly report: SlowHttpReport;
  readonly fetch: FetchProbe;
  readonly search: UnicastSearchProbe;
  readonly found: AppEvent[];
  readonly controllerExit: number;
}

describe.skipIf(!availability.ok)(
  `slow-connection floods against the description server${availability.ok ? '' : ` (skipped: ${availability.reason})`}`,
  () => {
    let lab: NetnsLab;
    let dir: string;
    let device: AppProcess;
    let location: string;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'ssdp-slow-http-'));
      lab = await createNetnsLab({
        prefix: LAB_PREFIX,
        links: [{ name: 'lan' }],
        hosts: [
          { name: 'device', links: ['lan'] },
          { name: 'attacker', links: ['lan'] },
          { name: 'cp', links: ['lan'] },
          { name: 'third', links: ['lan'] },
        ],
      });
      device = spawnApp(lab, 'device', 'device', DEVICE_BIN, [
        '--interface',
        'eth0',
        '--json',
        '--verbose',
        '--state-dir',
        dir,
        '--http-port',
        String(HTTP_PORT),
        '--name',
        NAME,
      ]);
      const started = await device.waitFor((e) => e.event === 'started', 60_000, 'started');
      location = (started['devices'] as { locations: string[] }[])[0]!.locations[0]!;
      // 50 more source addresses on the attacker's link, for the many-hosts flood.
      const base = lab.host('attacker').interfaces[0]!.address.split('.').slice(0, 3).join('.');
      for (let i = 0; i < 50; i += 1)
        await lab.exec('attacker', 'ip', ['addr', 'add', `${base}.${100 + i}/24`, 'dev', 'eth0']);
    });
    afterAll(async () => {
      if (device !== undefined && device.exitCode === undefined) await stopApp(device);
      await lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    async function flood(sources: string[], perSource: number): Promise<FloodResult> {
      const deviceAddress = lab.host('device').interfaces[0]!.address;
      const cpAddress = lab.host('cp').interfaces[0]!.address;
      const attack = runScript<SlowHttpReport>(
        lab,
        'attacker',
        'slow-http.ts',
        [deviceAddress, String(HTTP_PORT), sources.join(','), String(perSource), String(FLOOD_MS)],
        { timeoutMs: FLOOD_MS + 60_000 },
      );
      await new Promise((resolve) => setTimeout(resolve, 4000)); // the flood is established
      const fetch = await runScript<FetchProbe>(lab, 'cp', 'http-probe.ts', ['fetch', location, '3000']);
      const search = await runScript<UnicastSearchProbe>(lab, 'cp', 'http-probe.ts', [
        'usearch',
        cpAddress,
        deviceAddress,
        'upnp:rootdevice',
        '2000',
      ]);
      const controller = spawnApp(lab, 'third', 'controller', CONTROLLER_BIN, [
        '--interface',
        'eth0',
        '--once',
        '--json',
        '--mx',
        '2',
      ]);
      const controllerExit = await controller.exited;
      const found = controller.events.filter((e) => e.event === 'device-found');
      if (controllerExit !== 0)
        process.stderr.write(`slow-http controller exit ${controllerExit}: ${controller.stderr()}\n`);
      return { report: await attack, fetch, search, found, controllerExit };
    }

    function checkFlood(result: FloodResult): void {
      const { report, fetch, search, found, controllerExit } = result;
      expect(report.connected, 'the flood got its connections').toBeGreaterThan(2500);
      expect(fetch, 'description fetched within 3 s during the flood').toMatchObject({
        ok: true,
        status: 200,
        friendlyName: NAME,
      });
      expect(fetch.ms).toBeLessThan(3000);
      expect(search.answers, 'unicast M-SEARCH answered').toBeGreaterThan(0);
      expect(search.firstAnswerMs!).toBeLessThan(2000);
      expect(controllerExit, 'ssdp-controller --once found something').toBe(0);
      expect(found.map((e) => e['friendlyName'])).toContain(NAME);
      // Every slow connection was cut by the server: at once by a cap, or within 1 s after its header deadline.
      const inTime = report.closedByServerMs.filter((ms) => ms <= HEADER_DEADLINE_MS + LATENESS_MS).length;
      const figures = {
        connected: report.connected,
        closedInTime: inTime,
        stillOpen: report.stillOpen,
        fetchMs: Math.round(fetch.ms),
        searchMs: Math.round(search.firstAnswerMs ?? -1),
        drops: Object.fromEntries(device.drops),
      };
      process.stderr.write(`slow-http figures: ${JSON.stringify(figures)}\n`);
      expect(inTime / report.connected, `${inTime} of ${report.connected} closed in time`).toBeGreaterThanOrEqual(0.9);
      expect(device.exitCode, 'the device is still running').toBeUndefined();
    }

    it('one host with 3,000 slow connections cannot take the description away', async () => {
      const rss = sampleRss([device]);
      const before = device.drops.get('http-source-cap') ?? 0;
      const result = await flood([lab.host('attacker').interfaces[0]!.address], 3000);
      const peaks = rss.stop();
      process.stderr.write(`slow-http device peak RSS: ${peaks['device']!.peakKiB} KiB\n`);
      checkFlood(result);
      expect((device.drops.get('http-source-cap') ?? 0) - before, 'source-cap cuts reported as drops').toBeGreaterThan(
        2000,
      );
      expect(device.drops.get('http-header-deadline') ?? 0, 'header-deadline cuts reported').toBeGreaterThan(0);
      expect(peaks['device']!.peakKiB).toBeLessThan(RSS_BOUND_KIB);
    });

    it('50 hosts with 60 slow connections each cannot either', async () => {
      const rss = sampleRss([device]);
      const base = lab.host('attacker').interfaces[0]!.address.split('.').slice(0, 3).join('.');
      const sources = Array.from({ length: 50 }, (_, i) => `${base}.${100 + i}`);
      const result = await flood(sources, 60);
      const peaks = rss.stop();
      process.stderr.write(`slow-http device peak RSS: ${peaks['device']!.peakKiB} KiB\n`);
      checkFlood(result);
      expect(device.drops.get('http-global-cap') ?? 0, 'global-cap evictions reported').toBeGreaterThan(0);
      expect(peaks['device']!.peakKiB).toBeLessThan(RSS_BOUND_KIB);
      // Still serving once the floods are over.
      const after = await runScript<FetchProbe>(lab, 'cp', 'http-probe.ts', ['fetch', location, '3000']);
      expect(after).toMatchObject({ ok: true, status: 200, friendlyName: NAME });
    });
  },
);
