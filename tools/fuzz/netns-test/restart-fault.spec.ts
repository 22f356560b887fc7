// Restarts: a device that crashes (SIGKILL, no byebye) and comes back with its state dir is one device that
// rebooted (BOOTID up), never a second device; a clean restart (SIGTERM: byebye) is the same device leaving
// and coming back. Real ssdp-device and ssdp-controller processes in a namespace lab.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNetnsLab, netnsAvailable, type NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROLLER_BIN, DEVICE_BIN, spawnApp, stopApp, type AppProcess } from '../src/lab/app-process.ts';
import { LAB_PREFIX } from '../src/lab/lab-prefix.ts';

const availability = netnsAvailable();

describe.skipIf(!availability.ok)(
  `restarts in a namespace lab${availability.ok ? '' : ` (skipped: ${availability.reason})`}`,
  () => {
    let lab: NetnsLab;
    let dir: string;
    const apps: AppProcess[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'ssdp-restart-'));
      lab = await createNetnsLab({ prefix: LAB_PREFIX, hosts: ['controller', 'device'] });
    });
    afterAll(async () => {
      for (const app of apps) if (app.exitCode === undefined) app.child.kill('SIGKILL');
      await lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('reports a reboot after each crash, never a second device, and a clean restart as leave + return', async () => {
      const controller = spawnApp(lab, 'controller', 'controller', CONTROLLER_BIN, ['--interface', 'eth0', '--json']);
      apps.push(controller);
      const startDevice = async (): Promise<{ device: AppProcess; udn: string; bootId: number }> => {
        const device = spawnApp(lab, 'device', 'device', DEVICE_BIN, [
          '--interface',
          'eth0',
          '--json',
          '--state-dir',
          dir,
          '--name',
          'Restarting device',
        ]);
        apps.push(device);
        const started = await device.waitFor((e) => e.event === 'started', 60_000, 'started');
        return { device, udn: (started['devices'] as { udn: string }[])[0]!.udn, bootId: Number(started['bootId']) };
      };

      const first = await startDevice();
      const { udn, bootId } = first;
      let device = first.device;
      await controller.waitFor((e) => e.event === 'device-added' && e['udn'] === udn, 20_000, 'device-added');
      const bootIds = [bootId];
      for (let crash = 1; crash <= 3; crash += 1) {
        device.child.kill('SIGKILL'); // a crash: no byebye
        await device.exited;
        const again = await startDevice();
        expect(again.udn).toBe(udn);
        device = again.device;
        bootIds.push(again.bootId);
        await controller.waitFor(
          (e) => e.event === 'device-rebooted' && e['udn'] === udn && Number(e['bootId']) === again.bootId,
          20_000,
          `device-rebooted to BOOTID ${again.bootId}`,
        );
      }
      // A clean restart: byebye, then the same device again.
      expect(await stopApp(device)).toBe(0);
      await controller.waitFor(
        (e) => e.event === 'device-removed' && e['udn'] === udn && e['reason'] === 'byebye',
        20_000,
        'device-removed (byebye)',
      );
      const clean = await startDevice();
      await controller.waitFor(
        (e) => e.event === 'device-added' && e['udn'] === udn && Number(e['bootId']) === clean.bootId,
        20_000,
        'device-added again',
      );
      expect(await stopApp(clean.device)).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await stopApp(controller)).toBe(0);

      const mine = controller.events.filter((e) => e['udn'] === udn);
      const story = mine
        .filter((e) => ['device-added', 'device-rebooted', 'device-removed'].includes(e.event))
        .map((e) => `${e.event} ${String(e['bootId'])}`);
      // BOOTID goes up by one per start; the controller saw: added, 3 reboots, removed (byebye), added.
      expect(bootIds).toEqual([bootIds[0], bootIds[0]! + 1, bootIds[0]! + 2, bootIds[0]! + 3]);
      expect(story).toEqual([
        `device-added ${bootIds[0]}`,
        `device-rebooted ${bootIds[1]}`,
        `device-rebooted ${bootIds[2]}`,
        `device-rebooted ${bootIds[3]}`,
        `device-removed ${bootIds[3]}`,
        `device-added ${clean.bootId}`,
        `device-removed ${clean.bootId}`,
      ]);
      // Never two devices at once, and no other device ever appeared.
      expect(controller.events.filter((e) => e.event === 'device-added').every((e) => e['udn'] === udn)).toBe(true);
    });
  },
);
