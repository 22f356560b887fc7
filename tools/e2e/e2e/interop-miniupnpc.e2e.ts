// Interop: miniupnpc's `upnpc -m <iface> -s`. upnpc searches the IGD device and service types first (about
// 2 s each), then upnp:rootdevice, and lists every device found; our device must be in that list.
// Not faked: -s then wants an InternetGatewayDevice with a WANIPConnection or WANPPPConnection service (and
// WANCommonInterfaceConfig) to ask for the connection status. Our device is a plain BinaryLight, so upnpc ends
// with "No valid UPNP Internet Gateway Device found." and exit code 1, which the test expects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevice, waitForInitialAnnouncements, type DeviceProcess } from '../src/apps.ts';
import { availability, createE2eLab, skipReason } from '../src/lab.ts';
import { peerTitle, requirePeer } from '../src/peers.ts';
import { describeRun, runInHost } from '../src/run-in-host.ts';
import { parseUpnpcDevices } from '../src/upnpc-output.ts';

describe.skipIf(!availability.ok)(`interop: miniupnpc upnpc (${peerTitle('upnpc')})${skipReason}`, () => {
  let lab: NetnsLab;
  let stateRoot: string;
  let device: DeviceProcess | undefined;

  beforeAll(async () => {
    lab = await createE2eLab({ hosts: ['device', 'peer'] });
    stateRoot = mkdtempSync(join(tmpdir(), 'ssdp-e2e-upnpc-'));
  });
  afterAll(async () => {
    await device?.stop();
    await lab?.destroy();
    if (stateRoot !== undefined) rmSync(stateRoot, { recursive: true, force: true });
  });

  it('lists our device under "List of UPNP devices found" (found by its upnp:rootdevice search)', async () => {
    const upnpc = requirePeer('upnpc');
    device = await startDevice(lab, 'device', [
      '--interface',
      'eth0',
      '--state-dir',
      join(stateRoot, 'd'),
      '--name',
      'Not A Gateway',
      '--type',
      'urn:schemas-upnp-org:device:BinaryLight:1',
    ]);
    const deviceAddress = lab.host('device').interfaces[0]!.address;
    const location = device.started.devices[0]!.locations.find((l) => l.includes(`//${deviceAddress}:`))!;
    await waitForInitialAnnouncements(device);

    const run = await runInHost(lab, 'peer', upnpc.path, ['-m', 'eth0', '-s'], { timeoutMs: 30_000 });
    const listing = parseUpnpcDevices(run.stdout);
    expect(listing.listed, describeRun(run)).toBe(true);
    expect(listing.devices, describeRun(run)).toContainEqual({ desc: location, st: 'upnp:rootdevice' });
    // upnpc fetched and parsed our description (the URL base it prints comes from it) and found no IGD in it.
    expect(run.stdout).toContain(`UPnP device found. Is it an IGD ? : http://${deviceAddress}:`);
    expect(run.stderr).toMatch(/No valid UPNP Internet Gateway Device found/);
    expect(run.code).toBe(1);

    // The searches as our device saw them: the IGD types first (no answer from us), then upnp:rootdevice.
    const peerAddress = lab.host('peer').interfaces[0]!.address;
    const searches = device.events.filter(
      (e) => e.event === 'search-received' && (e['from'] as { address: string }).address === peerAddress,
    );
    const targets = searches.map((e) => String(e['st']));
    expect(targets[0]).toMatch(/InternetGatewayDevice/);
    expect(targets.at(-1)).toBe('upnp:rootdevice');
    expect(searches.filter((e) => e['st'] !== 'upnp:rootdevice').every((e) => e['responses'] === 0)).toBe(true);
    expect(searches.find((e) => e['st'] === 'upnp:rootdevice')!['responses']).toBe(1);
  });
});
