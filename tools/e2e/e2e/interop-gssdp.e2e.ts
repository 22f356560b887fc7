// Interop: GSSDP's gssdp-discover (gupnp-tools) finds our device by every kind of search target, and reports
// its byebye. gssdp-discover runs in its own namespace; our ssdp-device in another.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetnsLab } from '@ssdp/netns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDevice, waitForInitialAnnouncements, type DeviceProcess } from '../src/apps.ts';
import { parseGssdpDiscover } from '../src/gssdp-output.ts';
import { startInHost } from '../src/host-process.ts';
import { availability, createE2eLab, skipReason } from '../src/lab.ts';
import { peerTitle, requirePeer } from '../src/peers.ts';
import { describeRun, runInHost } from '../src/run-in-host.ts';

const TYPE = 'urn:schemas-upnp-org:device:BinaryLight:1';

describe.skipIf(!availability.ok)(`interop: GSSDP gssdp-discover (${peerTitle('gssdp-discover')})${skipReason}`, () => {
  let lab: NetnsLab;
  let stateRoot: string;
  let device: DeviceProcess | undefined;
  const peerAddress = () => lab.host('peer').interfaces[0]!.address;

  beforeAll(async () => {
    lab = await createE2eLab({ hosts: ['device', 'peer'] });
    stateRoot = mkdtempSync(join(tmpdir(), 'ssdp-e2e-gssdp-'));
  });
  afterEach(async () => {
    await device?.stop();
    device = undefined;
  });
  afterAll(async () => {
    await lab?.destroy();
    if (stateRoot !== undefined) rmSync(stateRoot, { recursive: true, force: true });
  });

  it('finds our device for ssdp:all, upnp:rootdevice, its uuid and its device type (from its answers to the searches)', async () => {
    const gssdp = requirePeer('gssdp-discover');
    device = await startDevice(lab, 'device', [
      '--interface',
      'eth0',
      '--state-dir',
      join(stateRoot, 'a'),
      '--name',
      'GSSDP Lamp',
      '--type',
      TYPE,
    ]);
    const udn = device.started.devices[0]!.udn;
    const location = device.started.devices[0]!.locations.find((l) =>
      l.includes(`//${lab.host('device').interfaces[0]!.address}:`),
    )!;
    // After the announcement rounds, whatever gssdp-discover sees is an answer to its own M-SEARCH.
    await waitForInitialAnnouncements(device);

    const expected: Record<string, string[]> = {
      'ssdp:all': [`${udn}::upnp:rootdevice`, udn, `${udn}::${TYPE}`],
      'upnp:rootdevice': [`${udn}::upnp:rootdevice`],
      [udn]: [udn],
      [TYPE]: [`${udn}::${TYPE}`],
    };
    const runs = await Promise.all(
      Object.keys(expected).map(async (target) => ({
        target,
        run: await runInHost(lab, 'peer', gssdp.path, ['-i', 'eth0', '-t', target, '-n', '3'], { timeoutMs: 15_000 }),
      })),
    );
    for (const { target, run } of runs) {
      expect(run.code, describeRun(run)).toBe(0);
      const available = parseGssdpDiscover(run.stdout).filter((r) => r.kind === 'available');
      expect(available.map((r) => r.usn).sort(), `target ${target}: ${describeRun(run)}`).toEqual(
        [...expected[target]!].sort(),
      );
      expect(
        available.every((r) => r.locations.includes(location)),
        `target ${target}`,
      ).toBe(true);
      // Our device saw GSSDP's search for exactly this target, and answered it.
      const searches = device.events.filter(
        (e) =>
          e.event === 'search-received' &&
          e['st'] === target &&
          (e['from'] as { address: string }).address === peerAddress(),
      );
      expect(searches.length, `searches for ${target}`).toBeGreaterThan(0);
      expect(String(searches[0]!['userAgent'])).toMatch(/GSSDP/);
    }
    const answered = device.events.filter(
      (e) => e.event === 'response-sent' && (e['to'] as { address: string }).address === peerAddress(),
    );
    expect(new Set(answered.map((e) => e['st']))).toEqual(new Set(['upnp:rootdevice', udn, TYPE]));
    // Four gssdp-discover at once stay within the device's per-source limits: nothing was dropped.
    expect(device.events.filter((e) => e.event === 'dropped')).toEqual([]);
  });

  it('reports the byebye with -m unavailable after SIGTERM', async () => {
    const gssdp = requirePeer('gssdp-discover');
    device = await startDevice(lab, 'device', [
      '--interface',
      'eth0',
      '--state-dir',
      join(stateRoot, 'b'),
      '--name',
      'GSSDP Leaver',
      '--type',
      TYPE,
    ]);
    const udn = device.started.devices[0]!.udn;
    await waitForInitialAnnouncements(device);

    const since = device.mark();
    const watcher = startInHost(lab, 'peer', gssdp.path, ['-i', 'eth0', '-m', 'unavailable', '-n', '5']);
    // GSSDP only reports the byebye of a resource it knows: wait until each of the three has been answered to it.
    for (const st of ['upnp:rootdevice', udn, TYPE]) {
      await device.waitForEvent(
        (e) =>
          e.event === 'response-sent' && e['st'] === st && (e['to'] as { address: string }).address === peerAddress(),
        `answer ${st} to gssdp-discover`,
        { since, timeoutMs: 10_000 },
      );
    }
    await device.stop('SIGTERM');
    expect(device.events.filter((e) => e.event === 'byebye-sent').length).toBeGreaterThan(0);
    const exit = await watcher.exited;
    const output = watcher.stdout.join('\n');
    expect(exit.code, watcher.transcript()).toBe(0);
    const resources = parseGssdpDiscover(output);
    expect(resources.filter((r) => r.kind === 'available')).toEqual([]);
    expect(
      resources
        .filter((r) => r.kind === 'unavailable')
        .map((r) => r.usn)
        .sort(),
      watcher.transcript(),
    ).toEqual([`${udn}::upnp:rootdevice`, udn, `${udn}::${TYPE}`].sort());
  });
});
