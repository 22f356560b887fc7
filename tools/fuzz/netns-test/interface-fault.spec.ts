// Interface trouble: a device on two links loses one (link down, then its address removed) while running. It
// reports the change, keeps answering on the other link, and answers on the lost one again once it is back
// (with ssdp:update and a new BOOTID, UDA 1.2.4). Real ssdp-device, searches from a host on each link.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNetnsLab, netnsAvailable, type NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_BIN, spawnApp, stopApp, type AppEvent, type AppProcess } from '../src/lab/app-process.ts';
import { LAB_PREFIX } from '../src/lab/lab-prefix.ts';
import { runScript } from '../src/lab/run-script.ts';
import type { ProbeAnswer } from '../src/probe.ts';

const availability = netnsAvailable();
/** The transport looks at the interfaces every 3 s (DEFAULT_INTERFACE_POLL_MS): a change is reported by then. */
const NOTICE_MS = 15_000;

describe.skipIf(!availability.ok)(
  `interface trouble in a namespace lab${availability.ok ? '' : ` (skipped: ${availability.reason})`}`,
  () => {
    let lab: NetnsLab;
    let dir: string;
    let device: AppProcess | undefined;

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'ssdp-interface-'));
      lab = await createNetnsLab({
        prefix: LAB_PREFIX,
        links: [{ name: 'lan' }, { name: 'lan2' }],
        hosts: [
          { name: 'device', links: ['lan', 'lan2'] },
          { name: 'near', links: ['lan'] },
          { name: 'far', links: ['lan2'] },
        ],
      });
    });
    afterAll(async () => {
      if (device?.exitCode === undefined) device?.child.kill('SIGKILL');
      await lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('reports the loss, keeps the other link working, and recovers', async () => {
      const [eth0, eth1] = lab.host('device').interfaces;
      const running = spawnApp(lab, 'device', 'device', DEVICE_BIN, [
        '--interface',
        'eth0',
        '--interface',
        'eth1',
        '--json',
        '--state-dir',
        dir,
      ]);
      device = running;
      await running.waitFor((e) => e.event === 'started', 60_000, 'started');
      const search = async (host: 'near' | 'far'): Promise<string[]> => {
        const answers = await runScript<ProbeAnswer[]>(lab, host, 'probe.ts', [
          'search',
          lab.host(host).interfaces[0]!.address,
          'upnp:rootdevice',
          '1',
          '1300',
        ]);
        return answers.map((a) => `${a.address} ${new URL(a.location ?? 'http://x/').hostname}`);
      };
      const changes = (): AppEvent[] => running.events.filter((e) => e.event === 'interfaces-changed');
      const step = async (what: string, args: string[]): Promise<AppEvent | undefined> => {
        const before = changes().length;
        await lab.exec('device', 'ip', args);
        const change = await running.waitFor(
          (e) => e.event === 'interfaces-changed' && changes().indexOf(e) >= before,
          NOTICE_MS,
          `interfaces-changed after ${what}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 300)); // the re-announcement rounds start
        expect(running.exitCode, `device alive after ${what}`).toBeUndefined();
        return change;
      };

      expect(await Promise.all([search('near'), search('far')])).toEqual([
        [`${eth0!.address} ${eth0!.address}`],
        [`${eth1!.address} ${eth1!.address}`],
      ]);

      const down = await step('link down', ['link', 'set', 'eth1', 'down']);
      expect(down).toMatchObject({ removed: expect.arrayContaining(['eth1/IPv4']) });
      expect(await search('near')).toEqual([`${eth0!.address} ${eth0!.address}`]);

      const up = await step('link up', ['link', 'set', 'eth1', 'up']);
      expect(up).toMatchObject({ added: expect.arrayContaining(['eth1/IPv4']) });
      expect(await search('far')).toEqual([`${eth1!.address} ${eth1!.address}`]);

      const gone = await step('address removed', [
        'addr',
        'del',
        `${eth1!.address}/${eth1!.prefixLength}`,
        'dev',
        'eth1',
      ]);
      expect(gone).toMatchObject({ removed: ['eth1/IPv4'] });
      const [near, far] = await Promise.all([search('near'), search('far')]);
      expect(near).toEqual([`${eth0!.address} ${eth0!.address}`]);
      expect(far).toEqual([]);

      const back = await step('address back', ['addr', 'add', `${eth1!.address}/${eth1!.prefixLength}`, 'dev', 'eth1']);
      expect(back).toMatchObject({ added: ['eth1/IPv4'] });
      expect(await Promise.all([search('near'), search('far')])).toEqual([
        [`${eth0!.address} ${eth0!.address}`],
        [`${eth1!.address} ${eth1!.address}`],
      ]);

      // Each return was announced with ssdp:update (NEXTBOOTID) first, then BOOTID went up.
      const updates = running.events.filter((e) => e.event === 'update-sent');
      expect(new Set(updates.map((e) => e['nextBootId']))).toEqual(new Set([2, 3]));
      expect(await stopApp(running)).toBe(0);
      expect(running.stderr()).not.toMatch(/\n\s+at |unexpected error/);
    });
  },
);
