// The public API over real UDP on loopback, with every default a new user gets (interfaces: loopback only, the
// file state store, the HTTP description server and fetch): a private free port and a temp stateDir.
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
// Tests only (a devDependency): the control point against the real device; @ssdp/device never imports us.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createDevice } from '@ssdp/device';
import { expect, it } from 'vitest';
import { createControlPoint, discover, type DiscoveredDevice, type RemovalReason } from '../src/index.ts';

/** A UDP port nobody holds right now on 127.0.0.1. */
async function freePort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

it('discover() finds a createDevice() device by friendlyName; its stop() is device-removed (byebye) on a control point', async () => {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'ssdp-loopback-api-'));
  const port = await freePort();
  const friendlyName = `Loopback Light ${process.pid}-${port}`;
  const device = createDevice({
    deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
    friendlyName,
    port,
    stateDir,
  });
  const cp = createControlPoint({ port, mx: 1 });
  try {
    await device.start();
    const found = await discover({ port, mx: 1 });
    const mine = found.find((d) => d.udn === device.udn);
    expect(mine).toMatchObject({ friendlyName, address: '127.0.0.1', interfaceId: 'lo/IPv4', describe: 'described' });
    expect(mine!.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);

    const added = new Promise<DiscoveredDevice>((resolve) =>
      cp.on('device-added', (d) => d.udn === device.udn && resolve(d)),
    );
    const removed = new Promise<[DiscoveredDevice, RemovalReason]>((resolve) =>
      cp.on('device-removed', (d, reason) => d.udn === device.udn && resolve([d, reason])),
    );
    await cp.start();
    expect((await within(added, 5000, 'device-added')).friendlyName).toBe(friendlyName);
    await device.stop();
    const [gone, reason] = await within(removed, 3000, 'device-removed');
    expect(reason).toBe('byebye');
    expect(gone.udn).toBe(device.udn);
    expect(cp.devices().some((d) => d.udn === device.udn)).toBe(false);
  } finally {
    await cp.stop();
    await device.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}, 20_000);
