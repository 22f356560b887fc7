import { parseMessage } from '@ssdp/protocol';
import { describe, expect, it } from 'vitest';
import { createInjectedTransport } from '../src/registry/injected-transport.ts';
import { expiryGrowth, type RegistrySize } from '../src/registry/registry-report.ts';
import {
  simulatedAddress,
  simulatedAnnouncement,
  simulatedUuid,
  USNS_PER_DEVICE,
} from '../src/registry/simulated-device.ts';

describe('registry benchmark parts', () => {
  it('delivers datagrams to the subscribers as one interface would', async () => {
    const transport = createInjectedTransport();
    const seen: string[] = [];
    const off = transport.onDatagram((d) =>
      seen.push(`${d.remote.address}:${d.remote.port} ${d.interfaceId} ${d.bytes.length}`),
    );
    transport.deliver(new Uint8Array(3), '10.0.0.9');
    off();
    transport.deliver(new Uint8Array(3), '10.0.0.8');
    await transport.send(new Uint8Array(1), { kind: 'multicast', interfaceId: 'eth0/IPv4' });
    expect(seen).toEqual(['10.0.0.9:1900 eth0/IPv4 3']);
    expect(transport.sent).toBe(1);
  });

  it('builds a device announcement that parses back to its five USNs', () => {
    const { address, datagrams } = simulatedAnnouncement(70_000, 1800);
    expect(address).toBe(simulatedAddress(70_000));
    expect(address).toBe('10.1.17.112');
    expect(datagrams).toHaveLength(USNS_PER_DEVICE);
    const usns = datagrams.map((bytes) => {
      const parsed = parseMessage(bytes);
      if (!parsed.ok || parsed.message.kind !== 'notify-alive') throw new Error('not a NOTIFY alive');
      expect(parsed.message.maxAge).toBe(1800);
      return parsed.message.usn?.uuid;
    });
    expect(new Set(usns)).toEqual(new Set([simulatedUuid(70_000)]));
    expect(simulatedUuid(1)).not.toBe(simulatedUuid(2));
  });

  it('measures expiry growth from the smallest to the largest N', () => {
    const size = (n: number, cpu: number): RegistrySize =>
      ({ size: n, expiry: { cpuUs: { median: cpu } } }) as unknown as RegistrySize;
    expect(expiryGrowth([size(100_000, 30), size(1000, 10), size(10_000, 20)])).toBe(3);
  });
});
