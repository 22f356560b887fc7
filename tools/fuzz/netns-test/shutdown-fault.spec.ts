// Shutdown: 20 runs of start -> SIGTERM (at a random moment, from right after start to well into the
// announcements). Every run must deliver a byebye for every USN it announced, heard by a receiver in another
// namespace before the process has exited, and exit 0.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNetnsLab, netnsAvailable, type NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_BIN, spawnApp, spawnScript, stopApp, type AppProcess } from '../src/lab/app-process.ts';
import { LAB_PREFIX } from '../src/lab/lab-prefix.ts';
import { createRandom } from '../src/random.ts';

const availability = netnsAvailable();
const RUNS = 20;
/** Devices shut down side by side (one namespace each): 20 runs in 5 rounds on a 2-core machine. */
const PARALLEL = 4;

describe.skipIf(!availability.ok)(
  `shutdown in a namespace lab${availability.ok ? '' : ` (skipped: ${availability.reason})`}`,
  () => {
    let lab: NetnsLab;
    let receiver: AppProcess;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'ssdp-shutdown-'));
      lab = await createNetnsLab({
        prefix: LAB_PREFIX,
        hosts: ['receiver', ...Array.from({ length: PARALLEL }, (_, i) => `device${i}`)],
      });
      receiver = spawnScript(lab, 'receiver', 'receiver', 'listener.ts', [lab.host('receiver').interfaces[0]!.address]);
      await receiver.waitFor((e) => e.event === 'listening');
    });
    afterAll(async () => {
      await lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it(`delivers a byebye for every announced USN before exiting, ${RUNS} runs out of ${RUNS}`, async () => {
      // A root with two services and an embedded device: 7 USNs per interface.
      const config = path.join(dir, 'device.json');
      writeFileSync(
        config,
        JSON.stringify({
          device: {
            deviceType: 'urn:schemas-upnp-org:device:MediaServer:1',
            friendlyName: 'Shutdown test',
            services: [
              {
                serviceType: 'urn:schemas-upnp-org:service:ContentDirectory:1',
                serviceId: 'urn:upnp-org:serviceId:ContentDirectory',
              },
              {
                serviceType: 'urn:schemas-upnp-org:service:ConnectionManager:1',
                serviceId: 'urn:upnp-org:serviceId:ConnectionManager',
              },
            ],
            devices: [{ deviceType: 'urn:schemas-upnp-org:device:MediaRenderer:1', services: [] }],
          },
        }),
      );
      const random = createRandom(2025);
      // From at once (before the first announcement, 0-100 ms after start) to well after the three rounds.
      const delays = Array.from({ length: RUNS + 1 }, (_, run) => (run <= 2 ? 0 : Math.floor(random.next() * 1500)));
      const outcomes: {
        run: number;
        delayMs: number;
        code: number;
        announced: number;
        byebyes: number;
        missing: string[];
        late: number;
      }[] = [];
      const oneRun = async (run: number, host: string): Promise<void> => {
        const deviceAddress = lab.host(host).interfaces[0]!.address;
        const stateDir = path.join(dir, host);
        const device = spawnApp(lab, host, `device run ${run}`, DEVICE_BIN, [
          '--interface',
          'eth0',
          '--json',
          '--config',
          config,
          '--state-dir',
          stateDir,
        ]);
        const started = await device.waitFor((e) => e.event === 'started', 60_000, 'started');
        const bootId = Number(started['bootId']);
        const delayMs = delays[run]!;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const code = await stopApp(device);
        const exitedAt = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 300));
        const announced = new Set(
          device.events
            .filter((e) => e.event === 'alive-sent' && e['interfaceId'] === 'eth0/IPv4')
            .map((e) => String(e['usn'])),
        );
        const heard = receiver.events.filter(
          (e) => e['nts'] === 'ssdp:byebye' && e['from'] === deviceAddress && Number(e['bootId']) === bootId,
        );
        const byebyes = new Set(heard.map((e) => String(e['usn'])));
        outcomes.push({
          run,
          delayMs,
          code,
          announced: announced.size,
          byebyes: byebyes.size,
          missing: [...announced].filter((usn) => !byebyes.has(usn)),
          late: heard.filter((e) => Number(e['at']) > exitedAt).length,
        });
        expect(device.stderr()).not.toMatch(/\n\s+at |unexpected error/);
      };
      for (let round = 0; round < RUNS / PARALLEL; round += 1) {
        await Promise.all(Array.from({ length: PARALLEL }, (_, i) => oneRun(round * PARALLEL + i + 1, `device${i}`)));
      }
      outcomes.sort((a, b) => a.run - b.run);
      // One line per run in the test output: the figures behind docs/security.md.
      console.log(
        outcomes
          .map(
            (o) =>
              `run ${o.run}: SIGTERM after ${o.delayMs} ms, exit ${o.code}, ${o.announced} USNs announced, ${o.byebyes} byebyes heard`,
          )
          .join('\n'),
      );
      expect(outcomes.map((o) => o.code)).toEqual(Array(RUNS).fill(0));
      expect(outcomes.filter((o) => o.missing.length > 0)).toEqual([]);
      expect(outcomes.filter((o) => o.late > 0)).toEqual([]);
      // Most runs were killed after the announcements had started: the check is not vacuous.
      expect(outcomes.filter((o) => o.announced === 7).length).toBeGreaterThan(RUNS / 2);
      // And every run says byebye for the whole set, announced or not yet.
      expect(outcomes.every((o) => o.byebyes === 7)).toBe(true);
    });
  },
);
