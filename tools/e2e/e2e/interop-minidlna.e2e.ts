// Interop: minidlna's minidlnad, a real UPnP MediaServer, unpacked from its Debian package (never installed,
// the package would start it on this host) and run only inside a namespace. Our controller must find it
// as urn:schemas-upnp-org:device:MediaServer:1, with the friendlyName of its rootDesc.xml, and see its byebye.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runControllerOnce, startController } from '../src/apps.ts';
import { startInHost, type HostProcess } from '../src/host-process.ts';
import { httpGetInHost } from '../src/http-get.ts';
import { availability, createE2eLab, skipReason } from '../src/lab.ts';
import { peerTitle, requirePeer } from '../src/peers.ts';

const MEDIA_SERVER = 'urn:schemas-upnp-org:device:MediaServer:1';

describe.skipIf(!availability.ok)(`interop: minidlna minidlnad (${peerTitle('minidlnad')})${skipReason}`, () => {
  let lab: NetnsLab;
  let dir: string;
  const processes: HostProcess[] = [];

  beforeAll(async () => {
    lab = await createE2eLab({ hosts: ['dlna', 'controller'] });
    dir = mkdtempSync(join(tmpdir(), 'ssdp-e2e-minidlna-'));
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGTERM', 3000)));
    await lab?.destroy();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('our controller finds minidlna as a MediaServer with the friendlyName of its rootDesc.xml, and sees its byebye', async () => {
    const minidlnad = requirePeer('minidlnad');
    for (const sub of ['media', 'db', 'log']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'media', 'readme.txt'), 'e2e media dir\n');
    const conf = join(dir, 'minidlna.conf');
    writeFileSync(
      conf,
      [
        'network_interface=eth0',
        'port=8200',
        `media_dir=${join(dir, 'media')}`,
        `db_dir=${join(dir, 'db')}`,
        `log_dir=${join(dir, 'log')}`,
        'friendly_name=E2E MiniDLNA',
        'inotify=no',
        '',
      ].join('\n'),
    );
    // -d: foreground with debug output; -P: a pid file of our own (the default is /run/minidlna). As root it
    // stays root (no `user=` in the conf); that is fine in a throwaway namespace.
    const server = startInHost(lab, 'dlna', minidlnad.path, ['-d', '-f', conf, '-P', join(dir, 'minidlna.pid')], {
      label: 'dlna: minidlnad',
    });
    processes.push(server);
    await server.waitForOutput(/Enabling interface/, 'minidlnad listening for SSDP', { timeoutMs: 15_000 });
    const dlnaAddress = lab.host('dlna').interfaces[0]!.address;

    const once = await runControllerOnce(lab, 'controller', ['--interface', 'eth0']);
    expect(once.run.code, once.run.stderr).toBe(0);
    const found = once.found.find((d) => d.deviceType === MEDIA_SERVER);
    expect(found, `device-found lines: ${once.run.stdout}\n${server.transcript(10)}`).toBeDefined();
    expect(found).toMatchObject({
      address: dlnaAddress,
      location: `http://${dlnaAddress}:8200/rootDesc.xml`,
      describe: 'described',
    });
    expect(found!.usns).toEqual(
      expect.arrayContaining([
        found!.udn,
        `${found!.udn}::upnp:rootdevice`,
        `${found!.udn}::${MEDIA_SERVER}`,
        `${found!.udn}::urn:schemas-upnp-org:service:ContentDirectory:1`,
      ]),
    );

    // The friendlyName is the one in minidlna's own description (fetched here independently).
    const rootDesc = await httpGetInHost(lab, 'controller', found!.location!);
    expect(rootDesc.status).toBe(200);
    const nameInDescription = /<friendlyName>([^<]*)<\/friendlyName>/.exec(rootDesc.body)?.[1];
    expect(nameInDescription).toBe('E2E MiniDLNA');
    expect(found!.friendlyName).toBe(nameInDescription);
    expect(rootDesc.body).toContain(`<UDN>${found!.udn}</UDN>`);

    // minidlna's NOTIFY alive and byebye, as a running controller sees them.
    const controller = startController(lab, 'controller', ['--interface', 'eth0']);
    processes.push(controller);
    await controller.waitForEvent(
      (e) => e.event === 'device-added' && e['udn'] === found!.udn,
      'device-added of minidlna',
    );
    await server.stop('SIGTERM');
    const removed = await controller.waitForEvent(
      (e) => e.event === 'device-removed' && e['udn'] === found!.udn,
      'device-removed of minidlna',
      { timeoutMs: 5000 },
    );
    expect(removed['reason']).toBe('byebye');
  });
});
