import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MAX_ASSIGNABLE_CONFIGID, parseDeviceDescription } from '@ssdp/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildFleet, configIdOf } from '../src/fleet.ts';
import { createFileStateStore, defaultStateDir, StateStoreError } from '../src/state-store.ts';
import { nameUuid } from '../src/uuid.ts';
import { advance, createLab } from './support/harness.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ssdp-device-state-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

const DEFAULTS = { friendlyName: 'Thing', manufacturer: 'ssdp', modelName: 'm', modelNumber: '1' };

async function runOnce(stateDir: string, count = 1, uuid?: string) {
  vi.useFakeTimers();
  const lab = createLab({
    stateStore: createFileStateStore(stateDir),
    device: { count, ...(uuid === undefined ? {} : { uuid }) },
  });
  await lab.start(500);
  const stop = lab.device.stop();
  await advance(1000);
  await stop;
  vi.useRealTimers();
  return { bootId: lab.device.bootId, udns: lab.device.fleet!.members.map((m) => m.udn), lab };
}

describe('identity', () => {
  it('persists the UDN and increases BOOTID on every start (atomic state file)', async () => {
    const first = await runOnce(dir, 3);
    const second = await runOnce(dir, 3);
    const third = await runOnce(dir, 3);
    expect([first.bootId, second.bootId, third.bootId]).toEqual([1, 2, 3]);
    expect(second.udns).toEqual(first.udns);
    expect(third.udns).toEqual(first.udns);
    expect(new Set(first.udns).size).toBe(3);
    const saved = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
    expect(saved).toEqual({ version: 1, baseUuid: first.udns[0]!.slice(5), bootId: 3 });
    expect(await readdir(dir)).toEqual(['state.json']); // no temp file left behind
    expect((await stat(path.join(dir, 'state.json'))).mode & 0o777).toBe(0o600);
  });

  it('uses --uuid as the base UDN and keeps counting BOOTID', async () => {
    const uuid = '2fac1234-31f8-11b4-a222-08002b34c003';
    await runOnce(dir);
    const run = await runOnce(dir, 2, uuid);
    expect(run.udns[0]).toBe(`uuid:${uuid}`);
    expect(run.udns[1]).toBe(`uuid:${nameUuid(uuid, 'ssdp-device/fleet/1')}`);
    expect(run.bootId).toBe(2);
  });

  it('refuses an unusable state dir and a corrupt state file with one-line errors, releasing the sockets', async () => {
    const file = path.join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    vi.useFakeTimers();
    const blocked = createLab({ stateStore: createFileStateStore(path.join(file, 'state')) });
    await expect(blocked.device.start()).rejects.toThrow(
      /^state dir .*not-a-dir\/state is not a directory \(ENOTDIR\)$/,
    );

    // Readable but not writable (as root, permissions do not stop us: block the temp file instead).
    const unwritable = path.join(dir, 'unwritable');
    await mkdir(path.join(unwritable, `.state.json.${process.pid}.tmp`), { recursive: true });
    const lab = createLab({ stateStore: createFileStateStore(unwritable) });
    const failure = await lab.device.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StateStoreError);
    expect((failure as Error).message).toBe(`cannot write state dir ${unwritable}: EISDIR`);
    expect(lab.transport.interfaces).toHaveLength(0); // the sockets were released
    expect(lab.http.closed).toBe(true);
    expect(lab.events).toHaveLength(0);
    vi.useRealTimers();

    await writeFile(path.join(dir, 'state.json'), '{"version":1,"baseUuid":"nope","bootId":1}');
    await expect(createFileStateStore(dir).load()).rejects.toThrow(
      /state file .*state\.json is invalid \(baseUuid: expected a UUID\)/,
    );
    await writeFile(path.join(dir, 'state.json'), '{');
    await expect(createFileStateStore(dir).load()).rejects.toThrow(/not valid JSON/);
  });

  it('picks the XDG state dir, else ~/.local/state', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/x/state' }, '/home/u')).toBe('/x/state/ssdp-device');
    expect(defaultStateDir({ XDG_STATE_HOME: 'relative' }, '/home/u')).toBe('/home/u/.local/state/ssdp-device');
    expect(defaultStateDir({}, '/home/u')).toBe('/home/u/.local/state/ssdp-device');
  });
});

describe('fleet and descriptions', () => {
  it('gives each member its own UDN, name, path and description; embedded UDNs differ per member', () => {
    const base = '0c4f7bd2-6c2d-4a8e-9d4e-3f2a1b0c9d8e';
    const config = {
      friendlyName: 'Lamp',
      devices: [{ deviceType: 'urn:schemas-upnp-org:device:Dimmer:1', uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' }],
    };
    const fleet = buildFleet({ config, count: 3, baseUuid: base, defaults: DEFAULTS });
    expect(fleet.members.map((m) => m.friendlyName)).toEqual(['Lamp #1', 'Lamp #2', 'Lamp #3']);
    expect(fleet.members[0]!.udn).toBe(`uuid:${base}`);
    expect(new Set(fleet.members.map((m) => m.path)).size).toBe(3);
    expect(fleet.advertisementCount).toBe(3 * 5);
    const embedded = fleet.members.map((m) => m.description.device.devices[0]!.udn);
    expect(embedded[0]).toBe('uuid:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
    expect(new Set(embedded).size).toBe(3);
    for (const member of fleet.members) {
      const parsed = parseDeviceDescription(member.xml);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.description.device.udn).toBe(member.udn);
      expect(parsed.description.device.friendlyName).toBe(member.friendlyName);
      expect(parsed.description.configId).toBe(member.configId);
    }
    // Deterministic: the same base gives the same fleet.
    expect(buildFleet({ config, count: 3, baseUuid: base, defaults: DEFAULTS }).members.map((m) => m.udn)).toEqual(
      fleet.members.map((m) => m.udn),
    );
  });

  it('derives CONFIGID from the description: stable, in range, and changing with it', () => {
    const base = '0c4f7bd2-6c2d-4a8e-9d4e-3f2a1b0c9d8e';
    const one = buildFleet({ config: {}, count: 1, baseUuid: base, defaults: DEFAULTS }).members[0]!;
    const again = buildFleet({ config: {}, count: 1, baseUuid: base, defaults: DEFAULTS }).members[0]!;
    const renamed = buildFleet({ config: { friendlyName: 'Other' }, count: 1, baseUuid: base, defaults: DEFAULTS })
      .members[0]!;
    const withService = buildFleet({
      config: {
        services: [
          {
            serviceType: 'urn:schemas-upnp-org:service:SwitchPower:1',
            serviceId: 'urn:upnp-org:serviceId:SwitchPower',
          },
        ],
      },
      count: 1,
      baseUuid: base,
      defaults: DEFAULTS,
    }).members[0]!;
    expect(again.configId).toBe(one.configId);
    expect(renamed.configId).not.toBe(one.configId);
    expect(withService.configId).not.toBe(one.configId);
    for (const id of [one.configId, renamed.configId, withService.configId, configIdOf('x'), configIdOf('')]) {
      expect(id).toBeGreaterThanOrEqual(0);
      expect(id).toBeLessThanOrEqual(MAX_ASSIGNABLE_CONFIGID);
    }
  });

  it('serves every member description, the SCPDs, and 404/405 otherwise', async () => {
    vi.useFakeTimers();
    const lab = createLab({
      device: {
        count: 2,
        config: {
          services: [
            {
              serviceType: 'urn:schemas-upnp-org:service:SwitchPower:1',
              serviceId: 'urn:upnp-org:serviceId:SwitchPower',
            },
          ],
        },
      },
    });
    await lab.start(10);
    const started = lab.eventsOf('started')[0]!;
    expect(started.devices).toHaveLength(2);
    for (const device of started.devices) {
      const response = lab.http.fetch(device.locations[0]!);
      expect(response?.status).toBe(200);
      expect(response?.headers['content-type']).toBe('text/xml; charset="utf-8"');
      expect(response?.body).toContain(`<UDN>${device.udn}</UDN>`);
      const parsed = parseDeviceDescription(response!.body);
      if (!parsed.ok) throw new Error(parsed.error.message);
      const scpd = lab.http.fetch(new URL(parsed.description.device.services[0]!.scpdURL, device.locations[0]).href);
      expect(scpd?.status).toBe(200);
      expect(scpd?.body).toContain('<scpd xmlns="urn:schemas-upnp-org:service-1-0">');
    }
    const location = started.devices[0]!.locations[0]!;
    expect(lab.http.fetch(location, 'HEAD')?.status).toBe(200);
    expect(lab.http.fetch(location, 'POST')).toMatchObject({ status: 405, headers: { allow: 'GET, HEAD' } });
    expect(lab.http.fetch(location.replace('description.xml', 'nope.xml'))?.status).toBe(404);
  });

  it('makes v5 UUIDs from names', () => {
    // RFC 9562 appendix example: v5 of "www.example.com" in the DNS namespace.
    expect(nameUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});
