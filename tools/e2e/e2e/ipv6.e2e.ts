// End-to-end 6: discovery over IPv6 only, FF02::C on link-local addresses. The lab turns duplicate address
// detection off; here it is on again, as on a real host, and the apps start only once DAD has finished
// (a tentative address cannot be bound).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runControllerOnce, startDevice, waitForInitialAnnouncements, type DeviceProcess } from '../src/apps.ts';
import { httpGetInHost } from '../src/http-get.ts';
import { availability, createE2eLab, skipReason } from '../src/lab.ts';
import { requirePeer } from '../src/peers.ts';
import { runInHost } from '../src/run-in-host.ts';
import { startCapture, type Capture } from '../src/tcpdump.ts';

/** Brings eth0 down and up with DAD on; resolves with how long the link-local address stayed tentative. */
async function restartWithDad(lab: NetnsLab, host: string): Promise<{ sawTentative: boolean; dadMs: number }> {
  const sh = (script: string) => runInHost(lab, host, 'sh', ['-c', script]);
  // The first look at the new address happens in the same shell as the link going up, so even a slow machine
  // sees it while DAD is still running (DAD takes at least one retransmit interval, 1 s).
  const setup = await sh(
    'sysctl -qw net.ipv6.conf.eth0.accept_dad=1 net.ipv6.conf.eth0.dad_transmits=1 && ip link set eth0 down && ip link set eth0 up && ' +
      'for i in $(seq 200); do out=$(ip -6 -o addr show dev eth0 scope link); case "$out" in *fe80::*) echo "$out"; exit 0;; esac; sleep 0.01; done; exit 1',
  );
  if (setup.code !== 0) throw new Error(`${host}: could not restart eth0 with DAD: ${setup.stderr}${setup.stdout}`);
  const started = Date.now();
  const sawTentative = /tentative/.test(setup.stdout);
  for (;;) {
    const { stdout } = await sh('ip -6 -o addr show dev eth0 scope link');
    if (/dadfailed/.test(stdout)) throw new Error(`${host}: DAD failed on eth0: ${stdout}`);
    if (/inet6 fe80::/.test(stdout) && !/tentative/.test(stdout)) return { sawTentative, dadMs: Date.now() - started };
    if (Date.now() - started > 10_000)
      throw new Error(`${host}: eth0 link-local address still tentative after 10 s: ${stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!availability.ok)(`IPv6 link-local discovery over FF02::C${skipReason}`, () => {
  let lab: NetnsLab;
  let stateRoot: string;
  let device: DeviceProcess | undefined;
  let capture: Capture | undefined;

  beforeAll(async () => {
    lab = await createE2eLab({ hosts: ['device', 'controller'] });
    stateRoot = mkdtempSync(join(tmpdir(), 'ssdp-e2e-ipv6-'));
  });
  afterAll(async () => {
    await capture?.process.stop('SIGKILL');
    await device?.stop();
    await lab?.destroy();
    if (stateRoot !== undefined) rmSync(stateRoot, { recursive: true, force: true });
  });

  it('6. the controller finds the device by link-local addresses only, and fetches its link-local LOCATION', async () => {
    const tcpdump = requirePeer('tcpdump');
    const dad = await Promise.all([restartWithDad(lab, 'device'), restartWithDad(lab, 'controller')]);
    expect(dad.map((d) => d.sawTentative)).toEqual([true, true]);
    console.info(`[measure] DAD still running after the link came up: ${dad.map((d) => `${d.dadMs} ms`).join(', ')}`);
    const deviceLinkLocal = lab.host('device').interfaces[0]!.linkLocal;
    const controllerLinkLocal = lab.host('controller').interfaces[0]!.linkLocal;

    // Choosing the link-local address as the interface selects IPv6 only.
    device = await startDevice(lab, 'device', [
      '--interface',
      deviceLinkLocal,
      '--state-dir',
      join(stateRoot, 'six'),
      '--name',
      'Six',
    ]);
    expect(device.started.interfaces.map((i) => i.id)).toEqual(['eth0/IPv6']);
    const udn = device.started.devices[0]!.udn;
    await waitForInitialAnnouncements(device);
    capture = await startCapture(lab, 'device', tcpdump.path, 'eth0', 'udp port 1900');

    const once = await runControllerOnce(lab, 'controller', ['--interface', controllerLinkLocal]);
    const packets = await capture.stop();
    expect(once.run.code, once.run.stderr).toBe(0);
    const found = once.found.find((d) => d.udn === udn);
    expect(found).toMatchObject({
      friendlyName: 'Six',
      address: `${deviceLinkLocal}%eth0`,
      interfaceId: 'eth0/IPv6',
      describe: 'described',
    });
    expect(found!.locations).toEqual([expect.stringMatching(new RegExp(`^http://\\[${deviceLinkLocal}\\]:\\d+/`))]);

    // The search went to ff02::c from the controller's link-local address; the answers came back unicast.
    expect(
      packets.some(
        (p) =>
          p.family === 'IPv6' &&
          p.source === controllerLinkLocal &&
          p.destination === 'ff02::c' &&
          p.destinationPort === 1900,
      ),
    ).toBe(true);
    expect(packets.filter((p) => p.family === 'IPv4')).toEqual([]);
    const searches = device.events.filter((e) => e.event === 'search-received');
    expect(searches.length).toBeGreaterThan(0);
    expect(
      searches.every(
        (e) => e['via'] === 'multicast' && (e['from'] as { address: string }).address === `${controllerLinkLocal}%eth0`,
      ),
    ).toBe(true);
    expect(packets.some((p) => p.source === deviceLinkLocal && p.destination === controllerLinkLocal)).toBe(true);

    const description = await httpGetInHost(lab, 'controller', found!.location!, 'eth0');
    expect(description.status).toBe(200);
    expect(description.body).toContain(`<UDN>${udn}</UDN>`);
  });
});
