// 20% packet loss on the memory network (each delivery lost on its own): a device still gets every
// advertisement across (each alive set goes out 3 times), and its leaving is heard: the byebye set is one datagram
// per USN, all of them naming the root UUID, so the device is seen to leave unless all of them are lost. Twenty
// seeds, so the figures are not one lucky draw.
import { MemoryNetwork } from '@ssdp/transport/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, createLab, header } from './support/harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const CONFIG = {
  deviceType: 'urn:schemas-upnp-org:device:MediaServer:1',
  services: [
    {
      serviceType: 'urn:schemas-upnp-org:service:ContentDirectory:1',
      serviceId: 'urn:upnp-org:serviceId:ContentDirectory',
    },
    {
      serviceType: 'urn:schemas-upnp-org:service:ConnectionManager:1',
      serviceId: 'urn:upnp-org:serviceId:ConnectionManager',
    },
  ],
};

describe('20% packet loss (memory network)', () => {
  it('every USN is announced and the device is seen to leave by byebye, for each of 20 seeds', async () => {
    const outcomes: { seed: number; usns: number; announced: number; byebyes: number; left: boolean }[] = [];
    for (let seed = 1; seed <= 20; seed += 1) {
      const lab = createLab({ network: new MemoryNetwork({ seed, loss: 0.2 }), seed, device: { config: CONFIG } });
      const listener = await lab.controlPoint('listener', { name: 'eth0', link: 'lan', ipv4: '10.0.0.7/24' });
      await lab.start(3000);
      const usns = new Set(lab.device.fleet!.members.flatMap((m) => m.advertisements.map((a) => a.usn)));
      const announced = new Set(listener.notifies('notify-alive').map((r) => header(r, 'USN')));
      const stopping = lab.device.stop('test');
      await advance(1000); // the byebyes go through the paced send queue
      await stopping;
      const byebyes = listener.notifies('notify-byebye').map((r) => header(r, 'USN') ?? '');
      const root = lab.device.fleet!.members[0]!.udn;
      outcomes.push({
        seed,
        usns: usns.size,
        announced: announced.size,
        byebyes: byebyes.length,
        left: byebyes.some((usn) => usn.startsWith(root)),
      });
    }
    const heard = outcomes.reduce((n, o) => n + o.byebyes, 0);
    const sent = outcomes.reduce((n, o) => n + o.usns, 0);
    console.log(
      `20 seeds: every USN announced in ${outcomes.filter((o) => o.announced === o.usns).length}, seen leaving in ${outcomes.filter((o) => o.left).length}; ${heard} of ${sent} byebyes heard`,
    );
    expect(outcomes.filter((o) => o.announced !== o.usns)).toEqual([]);
    expect(outcomes.filter((o) => !o.left)).toEqual([]);
    // The loss is real: about a fifth of the byebyes (sent once each) did not arrive.
    expect(heard).toBeLessThan(sent * 0.9);
    expect(heard).toBeGreaterThan(sent * 0.7);
  });
});
