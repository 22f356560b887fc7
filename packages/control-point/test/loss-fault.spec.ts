// 20% packet loss on the memory network (every datagram, each way): the controller still finds all of 50
// devices within 3 search cycles, because each cycle sends its M-SEARCH twice and every device answers with its
// whole advertisement set (several datagrams, any one of which is enough). Several seeds, so the result is not
// one lucky draw.
import { MemoryNetwork, createMemoryTransport, seededRandom } from '@ssdp/transport/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createControlPointEngine as createController } from '../src/control-point-engine.ts';
import { controlPointTransportOptions } from '../src/control-point-options.ts';
import { createFakeDevice, type FakeDevice } from '../src/testing/fake-device.ts';

const DEVICES = 50;
const INTERVAL_MS = 10_000;

afterEach(() => {
  vi.useRealTimers();
});

async function findAll(seed: number): Promise<{ afterCycle: number[]; lossDrops: number; sent: number }> {
  vi.useFakeTimers({ now: 0 });
  const network = new MemoryNetwork({ seed, loss: 0.2 });
  network.addHost('cp', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.1/24' }]);
  const devices: FakeDevice[] = [];
  const random = seededRandom(seed);
  for (let i = 0; i < DEVICES; i += 1) {
    network.addHost(`dev${i}`, [{ name: 'eth0', link: 'lan', ipv4: `10.0.0.${10 + i}/24` }]);
    const uuid = `${(0x10000000 + i).toString(16)}-31f8-11b4-a222-08002b34c003`;
    // Answers spread over the MX window, as real devices do.
    const device = createFakeDevice({
      network,
      host: `dev${i}`,
      uuid,
      services: ['urn:schemas-upnp-org:service:SwitchPower:1'],
      responseDelayMs: () => Math.floor(random() * 2900),
    });
    await device.start();
    devices.push(device);
  }
  const transport = createMemoryTransport(
    { ...controlPointTransportOptions('upnp', 1900, ['eth0']), families: ['IPv4'] },
    { network, host: 'cp' },
  );
  const controller = createController(
    {
      profile: 'upnp',
      target: 'ssdp:all',
      mx: 3,
      intervalMs: INTERVAL_MS,
      cycles: 3,
      port: 1900,
      describe: false,
      userAgent: 'Linux/6.1 UPnP/2.0 ssdp-controller/0.1.0',
    },
    { transport, clock: network.clock, onEvent: () => undefined },
  );
  await controller.start();
  const afterCycle: number[] = [];
  for (let cycle = 1; cycle <= 3; cycle += 1) {
    // Each cycle: both sends, the MX window, and the settle time before a device is announced.
    await vi.advanceTimersByTimeAsync(cycle === 3 ? 3000 + 1500 : INTERVAL_MS);
    controller.settle();
    afterCycle.push(controller.devices().length);
  }
  await controller.stop();
  for (const device of devices) await device.stop();
  // Per delivery (a multicast search is one datagram delivered to 50 hosts, each copy lost on its own).
  return {
    afterCycle,
    lossDrops: network.stats.dropped.loss,
    sent: network.stats.dropped.loss + network.stats.delivered,
  };
}

describe('20% packet loss (memory network)', () => {
  it('finds 100% of 50 devices within 3 search cycles, for each of 5 seeds', async () => {
    const results: { seed: number; afterCycle: number[]; lossRate: number }[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const { afterCycle, lossDrops, sent } = await findAll(seed);
      results.push({ seed, afterCycle, lossRate: lossDrops / sent });
    }
    console.log(
      results
        .map(
          (r) =>
            `seed ${r.seed}: found ${r.afterCycle.join(' -> ')} after cycles 1-3, ${(r.lossRate * 100).toFixed(1)}% of deliveries lost`,
        )
        .join('\n'),
    );
    for (const result of results) {
      // The knob really dropped about a fifth of everything.
      expect(result.lossRate).toBeGreaterThan(0.15);
      expect(result.lossRate).toBeLessThan(0.25);
      expect(result.afterCycle[2], `seed ${result.seed}: ${result.afterCycle.join(' -> ')}`).toBe(DEVICES);
    }
  }, 60_000);
});
