// Interop: minissdpd caches the NOTIFYs of our device. It is unpacked from its Debian package (never
// installed) and runs only inside a namespace; the test asks its unix socket (a file: no network involved).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevice, waitForInitialAnnouncements, type DeviceProcess } from '../src/apps.ts';
import { startInHost, type HostProcess } from '../src/host-process.ts';
import { availability, createE2eLab, skipReason } from '../src/lab.ts';
import { queryMinissdpd } from '../src/minissdpd-client.ts';
import { MINISSDPD_REQUEST } from '../src/minissdpd-protocol.ts';
import { peerTitle, requirePeer } from '../src/peers.ts';

const TYPE = 'urn:schemas-upnp-org:device:BinaryLight:1';
const SERVICE = 'urn:schemas-upnp-org:service:SwitchPower:1';

describe.skipIf(!availability.ok)(`interop: minissdpd (${peerTitle('minissdpd')})${skipReason}`, () => {
  let lab: NetnsLab;
  let dir: string;
  let daemon: HostProcess | undefined;
  let device: DeviceProcess | undefined;

  beforeAll(async () => {
    lab = await createE2eLab({ hosts: ['ssdpd', 'device'] });
    dir = mkdtempSync(join(tmpdir(), 'ssdp-e2e-minissdpd-'));
  });
  afterAll(async () => {
    await device?.stop();
    await daemon?.stop();
    await lab?.destroy();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('caches every USN our device announces (NOTIFY), and drops them on its byebye', async () => {
    const minissdpd = requirePeer('minissdpd');
    const socket = join(dir, 'minissdpd.sock');
    // -d: foreground, debug log on stderr; -s/-p: a socket and pid file of our own, not /var/run's.
    daemon = startInHost(
      lab,
      'ssdpd',
      minissdpd.path,
      ['-d', '-i', 'eth0', '-s', socket, '-p', join(dir, 'minissdpd.pid')],
      { label: 'ssdpd: minissdpd' },
    );
    const deadline = Date.now() + 10_000;
    while (!existsSync(socket)) {
      if (Date.now() > deadline || daemon.exit() !== undefined)
        throw new Error(`minissdpd did not open ${socket}\n${daemon.transcript()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await queryMinissdpd(socket, MINISSDPD_REQUEST.all)).toEqual([]);

    const config = join(dir, 'device.json');
    writeFileSync(
      config,
      JSON.stringify({
        device: {
          deviceType: TYPE,
          friendlyName: 'Cached Lamp',
          services: [{ serviceType: SERVICE, serviceId: 'urn:upnp-org:serviceId:SwitchPower' }],
        },
      }),
    );
    device = await startDevice(lab, 'device', [
      '--interface',
      'eth0',
      '--config',
      config,
      '--state-dir',
      join(dir, 'state'),
    ]);
    const udn = device.started.devices[0]!.udn;
    const location = device.started.devices[0]!.locations.find((l) =>
      l.includes(`//${lab.host('device').interfaces[0]!.address}:`),
    )!;
    await waitForInitialAnnouncements(device);

    const cached = await queryMinissdpd(socket, MINISSDPD_REQUEST.all);
    const ours = cached.filter((entry) => entry.usn.startsWith(udn));
    expect(ours.map((e) => ({ st: e.st, usn: e.usn })).sort((a, b) => a.usn.localeCompare(b.usn))).toEqual(
      [
        { st: 'upnp:rootdevice', usn: `${udn}::upnp:rootdevice` },
        { st: udn, usn: udn },
        { st: TYPE, usn: `${udn}::${TYPE}` },
        { st: SERVICE, usn: `${udn}::${SERVICE}` },
      ].sort((a, b) => a.usn.localeCompare(b.usn)),
    );
    expect(ours.every((e) => e.location === location)).toBe(true);
    // Only NOTIFYs can have put them there: minissdpd's own M-SEARCH went out before our device started.
    expect(device.events.filter((e) => e.event === 'search-received')).toEqual([]);
    // The by-type request (type 1) finds the root entry too.
    expect(await queryMinissdpd(socket, MINISSDPD_REQUEST.byType, 'upnp:rootdevice')).toContainEqual({
      location,
      st: 'upnp:rootdevice',
      usn: `${udn}::upnp:rootdevice`,
    });

    await device.stop('SIGTERM');
    const afterByebye = await queryMinissdpd(socket, MINISSDPD_REQUEST.all);
    expect(afterByebye.filter((entry) => entry.usn.startsWith(udn))).toEqual([]);
  });
});
