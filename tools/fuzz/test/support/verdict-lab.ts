// The real apps' verdict on one datagram: a device and a control point from the public packages on the memory
// network (fake timers drive it), the device's rate limits opened wide so each datagram is judged alone. The
// verdict is read from their own counters: which drop reason grew, or the searches / ignored counts.
import { createControlPoint, type ControlPoint } from '@ssdp/control-point';
import { createMemoryTransport as createCpTransport } from '@ssdp/control-point/testing';
import { createDevice, type Device } from '@ssdp/device';
import {
  MemoryNetwork,
  createMemoryDescriptionServer,
  createMemoryStateStore,
  createMemoryTransport,
  seededRandom,
} from '@ssdp/device/testing';
import { vi } from 'vitest';
import type { FuzzDatagram } from '../../src/generators.ts';
import { CONTROLLER_STATEFUL_DROPS } from '../../src/oracle.ts';

/** `registry` for a datagram that reached the control point's registry (an advert or byebye, kept or refused there). */
type AppControllerVerdict = 'ignored' | 'registry' | `drop:${string}`;

export interface VerdictLab {
  readonly deviceUuid: string;
  judge(datagram: FuzzDatagram): Promise<{ device: string | undefined; controller: AppControllerVerdict }>;
  stop(): Promise<void>;
}

const WIDE_OPEN = 1e9;

export async function createVerdictLab(): Promise<VerdictLab> {
  const network = new MemoryNetwork({ seed: 1 });
  network.addHost('dev', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }]);
  network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
  network.addHost('attacker', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.4/24' }]);
  const device: Device = createDevice(
    {
      interfaces: ['eth0'],
      limits: {
        sourceBurst: WIDE_OPEN,
        sourceRatePerSecond: WIDE_OPEN,
        responseBurst: WIDE_OPEN,
        responseRatePerSecond: WIDE_OPEN,
        maxPendingResponses: WIDE_OPEN,
        amplificationRatio: 0,
      },
    },
    {
      createTransport: (o) => createMemoryTransport(o, { network, host: 'dev' }),
      createStateStore: () => createMemoryStateStore(),
      createDescriptionServer: () => createMemoryDescriptionServer(),
      random: seededRandom(2),
    },
  );
  const controlPoint: ControlPoint = createControlPoint(
    { interfaces: ['eth0'], describe: false, intervalMs: 3_600_000 },
    { createTransport: (o) => createCpTransport(o, { network, host: 'cp' }), random: seededRandom(3) },
  );
  await device.start();
  await controlPoint.start();
  const attacker = createMemoryTransport(
    { interfaces: ['eth0'], families: ['IPv4'], port: 1900, unicastPort: 0, joinGroup: false },
    { network, host: 'attacker' },
  );
  await attacker.start();
  await vi.advanceTimersByTimeAsync(6000);
  const interfaceId = attacker.interfaces[0]!.id;

  return {
    deviceUuid: device.udn.slice('uuid:'.length),
    async judge(datagram) {
      const deviceBefore = { ...device.stats.dropped, searches: device.stats.searches };
      const ignoredBefore = controlPoint.stats.ignored;
      const cpDropsBefore: Record<string, number> = { ...controlPoint.stats.dropped };
      await attacker.send(
        datagram.bytes,
        datagram.to === 'device'
          ? { kind: 'unicast', interfaceId, address: '10.0.0.2', port: 1900 }
          : { kind: 'multicast', interfaceId },
      );
      await vi.advanceTimersByTimeAsync(5);
      const deviceAfter: Record<string, number> = { ...device.stats.dropped, searches: device.stats.searches };
      const grown = Object.keys(deviceAfter).filter(
        (k) => deviceAfter[k]! > (deviceBefore as Record<string, number>)[k]!,
      );
      const cpAfter = controlPoint.stats;
      const cpDropsAfter: Record<string, number> = { ...cpAfter.dropped };
      const dropped = Object.keys(cpDropsAfter).filter((k) => cpDropsAfter[k]! > (cpDropsBefore[k] ?? 0));
      const stateful = dropped.filter((k) => (CONTROLLER_STATEFUL_DROPS as readonly string[]).includes(k));
      const controller: AppControllerVerdict =
        dropped.length > stateful.length
          ? `drop:${dropped.find((k) => !stateful.includes(k))!}`
          : cpAfter.ignored > ignoredBefore
            ? 'ignored'
            : 'registry';
      return {
        device: grown.length === 1 ? (grown[0] === 'searches' ? 'search' : grown[0]) : grown.join('+'),
        controller,
      };
    },
    async stop() {
      await attacker.stop();
      await controlPoint.stop();
      await device.stop();
    },
  };
}
