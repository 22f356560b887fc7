// End-to-end 5: the legacy profile (the Python prototype's dialect) on 192.168.0.0/24, by directed broadcast
// to 192.168.0.255:1337, and the reply unicast back to port 1337 (proved with tcpdump in the controller's host).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runControllerOnce, startDevice, waitForInitialAnnouncements, type DeviceProcess } from '../src/apps.ts';
import { availability, createE2eLab, skipReason } from '../src/lab.ts';
import { requirePeer } from '../src/peers.ts';
import { startCapture, type Capture } from '../src/tcpdump.ts';

describe.skipIf(!availability.ok)(`legacy profile across directed broadcast${skipReason}`, () => {
  let lab: NetnsLab;
  let stateRoot: string;
  let device: DeviceProcess | undefined;
  let capture: Capture | undefined;

  beforeAll(async () => {
    lab = await createE2eLab({
      links: [{ name: 'legacy', subnet: '192.168.0.0/24' }],
      hosts: ['device', 'controller'],
    });
    stateRoot = mkdtempSync(join(tmpdir(), 'ssdp-e2e-legacy-'));
  });
  afterAll(async () => {
    await capture?.process.stop('SIGKILL');
    await device?.stop();
    await lab?.destroy();
    if (stateRoot !== undefined) rmSync(stateRoot, { recursive: true, force: true });
  });

  it('5. the legacy controller finds the legacy device; the search goes to 192.168.0.255:1337 and the reply arrives at port 1337', async () => {
    const tcpdump = requirePeer('tcpdump');
    const [deviceIface, controllerIface] = [lab.host('device').interfaces[0]!, lab.host('controller').interfaces[0]!];
    expect(deviceIface).toMatchObject({ address: '192.168.0.2', broadcast: '192.168.0.255' });
    expect(controllerIface).toMatchObject({ address: '192.168.0.3', broadcast: '192.168.0.255' });

    device = await startDevice(lab, 'device', [
      '--profile',
      'legacy',
      '--interface',
      'eth0',
      '--state-dir',
      join(stateRoot, 'old'),
      '--name',
      'Old Lamp',
    ]);
    expect(device.started).toMatchObject({ profile: 'legacy', port: 1337 });
    const udn = device.started.devices[0]!.udn;
    await waitForInitialAnnouncements(device);
    capture = await startCapture(lab, 'controller', tcpdump.path, 'eth0', 'udp port 1337');

    const once = await runControllerOnce(lab, 'controller', [
      '--profile',
      'legacy',
      '--interface',
      'eth0',
      '--verbose',
    ]);
    const packets = await capture.stop();
    expect(once.run.code, once.run.stderr).toBe(0);
    expect(once.found.find((d) => d.udn === udn)).toMatchObject({
      friendlyName: 'Old Lamp',
      address: '192.168.0.2',
      describe: 'described',
    });

    // On the wire (seen from inside the controller's namespace): the search by directed broadcast...
    const searches = packets.filter((p) => p.source === '192.168.0.3' && p.destination === '192.168.0.255');
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.every((p) => p.sourcePort === 1337 && p.destinationPort === 1337)).toBe(true);
    // ...and every reply unicast from the device to the controller's port 1337 (not to an ephemeral port).
    const replies = packets.filter((p) => p.source === '192.168.0.2' && p.destination === '192.168.0.3');
    const responsesSent = device.events.filter((e) => e.event === 'response-sent');
    expect(responsesSent.length).toBeGreaterThan(0);
    expect(responsesSent.every((e) => (e['to'] as { port: number }).port === 1337)).toBe(true);
    expect(replies.length).toBe(responsesSent.length);
    expect(replies.every((p) => p.destinationPort === 1337)).toBe(true);
    // The device saw the search as a broadcast, and the controller took the replies as unicast NOTIFYs.
    expect(device.events.filter((e) => e.event === 'search-received').every((e) => e['via'] === 'broadcast')).toBe(
      true,
    );
    const received = once.events.filter((e) => e.event === 'message-received' && e['address'] === '192.168.0.2');
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((e) => e['via'] === 'unicast' && e['kind'] === 'notify-alive')).toBe(true);
  });
});
