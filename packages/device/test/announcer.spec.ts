import { parseMessage, type SsdpMessage } from '@ssdp/protocol';
import type { SsdpTransport } from '@ssdp/transport';
import type { SentRecord } from '@ssdp/transport/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStateStore } from '../src/testing/memory-state-store.ts';
import { advance, createLab, type Lab } from './support/harness.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

interface Sent {
  readonly record: SentRecord;
  readonly message: SsdpMessage;
  header(name: string): string | undefined;
}

/** What the device multicast (or broadcast), parsed. */
function notifies(lab: Lab, nts?: string): Sent[] {
  return lab.network.log
    .filter((r) => r.host === 'device' && r.via !== 'unicast')
    .map((record) => {
      const parsed = parseMessage(record.bytes);
      if (!parsed.ok) throw new Error(parsed.error.code);
      const message = parsed.message;
      return {
        record,
        message,
        header: (name: string) => message.headers.find((h) => h.name.toUpperCase() === name)?.value,
      };
    })
    .filter((s) => nts === undefined || s.header('NTS') === nts);
}

/** Groups send times into bursts separated by more than `gapMs`. */
function bursts(times: readonly number[], gapMs = 150): number[][] {
  const out: number[][] = [];
  for (const t of times) {
    const last = out.at(-1);
    if (last !== undefined && t - last.at(-1)! <= gapMs) last.push(t);
    else out.push([t]);
  }
  return out;
}

const TWO_LINKS = [
  { name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' },
  { name: 'eth1', link: 'lab', ipv4: '192.168.7.2/24' },
];

describe('announcer', () => {
  it('sends the whole set on every interface after 0-100 ms, three times a few hundred ms apart', async () => {
    const lab = createLab({
      deviceInterfaces: TWO_LINKS,
      device: {
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
    const startedAt = Date.now();
    await lab.start(2000);
    const alive = notifies(lab, 'ssdp:alive');
    const member = lab.device.fleet!.members[0]!;
    expect(member.advertisements).toHaveLength(4);
    expect(alive).toHaveLength(4 * 2 * 3);
    const rounds = bursts(alive.map((s) => s.record.at));
    expect(rounds).toHaveLength(3);
    expect(rounds[0]![0]! - startedAt).toBeLessThanOrEqual(100);
    for (let i = 1; i < 3; i += 1) {
      const gap = rounds[i]![0]! - rounds[i - 1]![0]!;
      expect(gap).toBeGreaterThanOrEqual(200);
      expect(gap).toBeLessThanOrEqual(400);
    }
    for (const iface of ['eth0', 'eth1']) {
      const own = alive.filter((s) => s.record.interfaceName === iface);
      const address = iface === 'eth0' ? '10.0.0.2' : '192.168.7.2';
      expect(new Set(own.map((s) => s.header('USN')))).toEqual(new Set(member.advertisements.map((a) => a.usn)));
      for (const sent of own) {
        expect(sent.record.to).toEqual({ address: '239.255.255.250', port: 1900 });
        expect(sent.message.headers.map((h) => h.name)).toEqual([
          'HOST',
          'CACHE-CONTROL',
          'LOCATION',
          'NT',
          'NTS',
          'SERVER',
          'USN',
          'BOOTID.UPNP.ORG',
          'CONFIGID.UPNP.ORG',
        ]);
        expect(sent.header('HOST')).toBe('239.255.255.250:1900');
        expect(sent.header('LOCATION')).toMatch(
          new RegExp(`^http://${address.replaceAll('.', '\\.')}:\\d+${member.path}$`),
        );
        expect(sent.header('BOOTID.UPNP.ORG')).toBe('1');
        expect(sent.header('CONFIGID.UPNP.ORG')).toBe(String(member.configId));
        expect(sent.header('CACHE-CONTROL')).toBe('max-age=1800');
      }
    }
    expect(lab.eventsOf('alive-sent')).toHaveLength(24);
  });

  it('refreshes at random intervals below max-age/2', async () => {
    const lab = createLab({ device: { maxAge: 60 } });
    await lab.start(0);
    await advance(300_000);
    const cycles = bursts(
      notifies(lab, 'ssdp:alive').map((s) => s.record.at),
      1000,
    ).map((b) => b[0]!);
    expect(cycles.length).toBeGreaterThanOrEqual(10);
    const gaps = cycles.slice(1).map((t, i) => t - cycles[i]!);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(15_000 - 100);
      expect(gap).toBeLessThan(30_000 + 100);
    }
    expect(new Set(gaps).size).toBeGreaterThan(1); // random, not a fixed period
  });

  it('sends ssdp:byebye for every alive NT/USN on every interface before the transport stops', async () => {
    const calls: string[] = [];
    const wrap = (transport: SsdpTransport): SsdpTransport => ({
      start: () => transport.start(),
      stop: () => {
        calls.push('stop');
        return transport.stop();
      },
      get interfaces() {
        return transport.interfaces;
      },
      onDatagram: (h) => transport.onDatagram(h),
      onInterfacesChanged: (h) => transport.onInterfacesChanged(h),
      onError: (h) => transport.onError(h),
      send: async (bytes, target) => {
        await transport.send(bytes, target);
        calls.push(new TextDecoder().decode(bytes).includes('ssdp:byebye') ? 'byebye' : 'other');
      },
    });
    const lab = createLab({
      deviceInterfaces: TWO_LINKS,
      wrapTransport: wrap,
      device: { config: { devices: [{ deviceType: 'urn:schemas-upnp-org:device:Lamp:1' }] } },
    });
    await lab.start();
    const stopping = lab.device.stop('test');
    await advance(1000);
    await stopping;
    const member = lab.device.fleet!.members[0]!;
    const byebye = notifies(lab, 'ssdp:byebye');
    expect(byebye).toHaveLength(member.advertisements.length * 2);
    for (const iface of ['eth0', 'eth1']) {
      expect(
        new Set(
          byebye.filter((s) => s.record.interfaceName === iface).map((s) => `${s.header('NT')} ${s.header('USN')}`),
        ),
      ).toEqual(new Set(member.advertisements.map((a) => `${a.nt} ${a.usn}`)));
    }
    expect(byebye[0]!.message.headers.map((h) => h.name)).toEqual([
      'HOST',
      'NT',
      'NTS',
      'USN',
      'BOOTID.UPNP.ORG',
      'CONFIGID.UPNP.ORG',
    ]);
    expect(calls.lastIndexOf('byebye')).toBeLessThan(calls.indexOf('stop'));
    expect(calls.filter((c) => c === 'stop')).toHaveLength(1);
    expect(lab.http.closed).toBe(true);
    const stopped = lab.eventsOf('stopped');
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.stats.byebye).toBe(member.advertisements.length * 2);
    // Nothing is announced after the byebyes.
    const lastByebye = byebye.at(-1)!.record.at;
    expect(notifies(lab, 'ssdp:alive').every((s) => s.record.at <= lastByebye)).toBe(true);
  });

  it('paces the bursts of a big fleet and still waits for every byebye', async () => {
    const lab = createLab({ device: { count: 200 } });
    await lab.start(3000);
    const alive = notifies(lab, 'ssdp:alive');
    expect(alive).toHaveLength(200 * 3 * 3);
    const perInstant = new Map<number, number>();
    for (const s of alive) perInstant.set(s.record.at, (perInstant.get(s.record.at) ?? 0) + 1);
    expect(Math.max(...perInstant.values())).toBeLessThanOrEqual(64);
    let resolved = false;
    const stopping = lab.device.stop().then(() => (resolved = true));
    await advance(100);
    // 600 byebyes at 64 per 20 ms take ~180 ms: stop() is still waiting for them.
    expect(resolved).toBe(false);
    expect(notifies(lab, 'ssdp:byebye').length).toBeLessThan(600);
    await advance(2000);
    await stopping;
    expect(notifies(lab, 'ssdp:byebye')).toHaveLength(600);
    expect(lab.device.stats.byebye).toBe(600);
  });

  it('on an address change sends ssdp:update (root first, all before any alive with the new BOOTID), then bumps and persists BOOTID', async () => {
    const store = createMemoryStateStore({ baseUuid: '0c4f7bd2-6c2d-4a8e-9d4e-3f2a1b0c9d8e', bootId: 41 });
    const lab = createLab({ stateStore: store, device: { count: 2 } });
    await lab.start();
    expect(lab.device.bootId).toBe(42);
    const mark = lab.network.log.length;
    lab.deviceHost.setAddress('eth0', '10.0.0.9/24');
    await advance(2000);
    const after = notifies(lab).filter((s) => lab.network.log.indexOf(s.record) >= mark);
    const updates = after.filter((s) => s.header('NTS') === 'ssdp:update');
    const members = lab.device.fleet!.members;
    expect(updates).toHaveLength(members.length * 3);
    expect(updates[0]!.header('NT')).toBe('upnp:rootdevice');
    for (const update of updates) {
      expect(update.header('BOOTID.UPNP.ORG')).toBe('42');
      expect(update.header('NEXTBOOTID.UPNP.ORG')).toBe('43');
      expect(update.header('LOCATION')).toMatch(/^http:\/\/10\.0\.0\.9:\d+\/devices\//);
    }
    const firstNewAlive = after.findIndex(
      (s) => s.header('NTS') === 'ssdp:alive' && s.header('BOOTID.UPNP.ORG') === '43',
    );
    const lastUpdate = after.findLastIndex((s) => s.header('NTS') === 'ssdp:update');
    expect(firstNewAlive).toBeGreaterThan(lastUpdate);
    expect(after.filter((s) => s.header('NTS') === 'ssdp:alive' && s.header('BOOTID.UPNP.ORG') !== '43')).toHaveLength(
      0,
    );
    expect(after.filter((s) => s.header('NTS') === 'ssdp:alive')).toHaveLength(members.length * 3 * 3);
    expect(lab.device.bootId).toBe(43);
    expect(store.state?.bootId).toBe(43);
    expect(lab.eventsOf('interfaces-changed')[0]).toMatchObject({
      changed: [{ id: 'eth0/IPv4', from: '10.0.0.2', to: '10.0.0.9' }],
    });
    expect(lab.eventsOf('update-sent')).toHaveLength(6);
  });

  it('announces on an added interface (after updates on the old ones) and only reports a removed one', async () => {
    const lab = createLab({ select: ['all'] });
    await lab.start();
    const mark = lab.network.log.length;
    lab.deviceHost.addInterface({ name: 'eth1', link: 'lab', ipv4: '192.168.7.2/24' });
    await advance(2000);
    const after = notifies(lab).filter((s) => lab.network.log.indexOf(s.record) >= mark);
    const updates = after.filter((s) => s.header('NTS') === 'ssdp:update');
    expect(updates.map((s) => s.record.interfaceName)).toEqual(['eth0', 'eth0', 'eth0']);
    const alive = after.filter((s) => s.header('NTS') === 'ssdp:alive');
    expect(alive.filter((s) => s.record.interfaceName === 'eth1')).toHaveLength(9);
    expect(alive.every((s) => s.header('BOOTID.UPNP.ORG') === '2')).toBe(true);
    expect(alive.find((s) => s.record.interfaceName === 'eth1')!.header('LOCATION')).toMatch(
      /^http:\/\/192\.168\.7\.2:/,
    );

    lab.deviceHost.setInterfaceUp('eth1', false);
    await advance(2000);
    expect(lab.eventsOf('interfaces-changed').at(-1)).toMatchObject({ removed: ['eth1/IPv4'], added: [], changed: [] });
    expect(lab.device.bootId).toBe(2);
    expect(lab.http.listening.has('192.168.7.2')).toBe(false);
  });
});
