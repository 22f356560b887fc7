// End-to-end 7: one device namespace on two bridges (eth0 on lan0, eth1 on lan1) and a controller on each side.
// Each controller must get LOCATIONs on its own link, and be able to fetch them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runControllerOnce, startDevice, waitForInitialAnnouncements, type DeviceProcess } from '../src/apps.ts';
import { httpGetInHost } from '../src/http-get.ts';
import { availability, createE2eLab, skipReason } from '../src/lab.ts';

describe.skipIf(!availability.ok)(`multi-homed device${skipReason}`, () => {
  let lab: NetnsLab;
  let stateRoot: string;
  let device: DeviceProcess | undefined;

  beforeAll(async () => {
    lab = await createE2eLab({
      links: [
        { name: 'lan0', subnet: '10.77.0.0/24' },
        { name: 'lan1', subnet: '10.77.1.0/24' },
      ],
      hosts: [
        { name: 'device', links: ['lan0', 'lan1'] },
        { name: 'left', links: ['lan0'] },
        { name: 'right', links: ['lan1'] },
      ],
    });
    stateRoot = mkdtempSync(join(tmpdir(), 'ssdp-e2e-mh-'));
  });
  afterAll(async () => {
    await device?.stop();
    await lab?.destroy();
    if (stateRoot !== undefined) rmSync(stateRoot, { recursive: true, force: true });
  });

  it('7. a controller on each link gets a LOCATION on its own link, and fetches it', async () => {
    const [eth0, eth1] = lab.host('device').interfaces;
    device = await startDevice(lab, 'device', [
      '--interface',
      'eth0',
      '--interface',
      'eth1',
      '--state-dir',
      join(stateRoot, 'mh'),
      '--name',
      'Two Homes',
    ]);
    expect(device.started.interfaces.map((i) => i.id).sort()).toEqual([
      'eth0/IPv4',
      'eth0/IPv6',
      'eth1/IPv4',
      'eth1/IPv6',
    ]);
    const udn = device.started.devices[0]!.udn;
    await waitForInitialAnnouncements(device);

    const [left, right] = await Promise.all([
      runControllerOnce(lab, 'left', ['--interface', 'eth0']),
      runControllerOnce(lab, 'right', ['--interface', 'eth0']),
    ]);
    const sides = [
      { host: 'left', once: left, own: eth0!, other: eth1! },
      { host: 'right', once: right, own: eth1!, other: eth0! },
    ];
    for (const { host, once, own, other } of sides) {
      expect(once.run.code, `${host}: ${once.run.stderr}`).toBe(0);
      const found = once.found.find((d) => d.udn === udn);
      expect(found, `${host} found: ${once.run.stdout}`).toMatchObject({
        friendlyName: 'Two Homes',
        describe: 'described',
      });
      const hosts = found!.locations.map((l) => new URL(l).hostname.replace(/^\[|\]$/g, ''));
      // Only the device's addresses on this side's link: its IPv4 on the shared subnet and its link-local there.
      expect(hosts.sort(), `${host} locations: ${found!.locations.join(' ')}`).toEqual(
        [own.address, own.linkLocal].sort(),
      );
      expect(hosts).not.toContain(other.address);
      expect(hosts).not.toContain(other.linkLocal);
      for (const location of found!.locations) {
        const description = await httpGetInHost(lab, host, location, 'eth0');
        expect(description.status, `${host} GET ${location}`).toBe(200);
        expect(description.body).toContain(`<UDN>${udn}</UDN>`);
      }
    }
  });
});
