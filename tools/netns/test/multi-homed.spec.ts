import type { Datagram, InterfacesChange, SsdpTransport } from '@ssdp/transport';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { netnsAvailable } from '../src/available.ts';
import { createNetnsLab, type NetnsLab } from '../src/netns-lab.ts';
import { createRemotePeer, type RemotePeer } from '../src/remote-peer.ts';

// A host on two links (mh: eth0 on lan0 with 10.77.0.0/24, eth1 on legacy with 192.168.0.0/24) and one host on
// each link. Inside the namespaces `--interface all` is safe: they hold nothing but our veths.
const availability = netnsAvailable();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function collect(transport: SsdpTransport): Datagram[] {
  const received: Datagram[] = [];
  transport.onDatagram((d) => received.push(d));
  return received;
}

const withText = (received: Datagram[], text: string) => received.filter((d) => decoder.decode(d.bytes) === text);

describe.skipIf(!availability.ok)(
  `multi-homed host in namespaces${availability.ok ? '' : ` (skipped: ${availability.reason})`}`,
  () => {
    let lab: NetnsLab;
    let mh: RemotePeer;
    let a: RemotePeer;
    let b: RemotePeer;
    let started: SsdpTransport[] = [];
    let port = 2900;

    beforeAll(async () => {
      lab = await createNetnsLab({
        links: [{ name: 'lan0' }, { name: 'legacy', subnet: '192.168.0.0/24' }],
        hosts: [
          { name: 'mh', links: ['lan0', 'legacy'] },
          { name: 'a', links: ['lan0'] },
          { name: 'b', links: ['legacy'] },
        ],
      });
      [mh, a, b] = await Promise.all([
        createRemotePeer(lab, 'mh'),
        createRemotePeer(lab, 'a'),
        createRemotePeer(lab, 'b'),
      ]);
    });
    afterEach(async () => {
      await Promise.allSettled(started.map((t) => t.stop()));
      started = [];
      port += 1;
    });
    afterAll(async () => {
      await Promise.allSettled([mh, a, b].map((p) => p?.close()));
      await lab?.destroy();
    });

    async function open(peer: RemotePeer, init: Parameters<RemotePeer['createTransport']>[0]): Promise<SsdpTransport> {
      const transport = peer.createTransport({ port, ...init });
      started.push(transport);
      await transport.start();
      return transport;
    }

    it('tells the arrival interface of each link and answers through it, IPv4 and IPv6', async () => {
      const device = await open(mh, { interfaces: ['all'] });
      expect(device.interfaces.map((i) => i.id)).toEqual(['eth0/IPv4', 'eth0/IPv6', 'eth1/IPv4', 'eth1/IPv6']);
      const received = collect(device);
      const searchers = {
        a: await open(a, { interfaces: ['all'], unicastPort: 0 }),
        b: await open(b, { interfaces: ['all'], unicastPort: 0 }),
      };
      const replies = { a: collect(searchers.a), b: collect(searchers.b) };

      for (const [name, searcher] of Object.entries(searchers) as ['a' | 'b', SsdpTransport][]) {
        for (const family of ['IPv4', 'IPv6'] as const) {
          const text = `M-SEARCH from ${name} ${family}`;
          await searcher.send(encoder.encode(text), { kind: 'multicast', interfaceId: `eth0/${family}` });
          await waitFor(() => withText(received, text).length > 0, text);
          const [request] = withText(received, text);
          const expected = `${name === 'a' ? 'eth0' : 'eth1'}/${family}`;
          expect(request!.interfaceId).toBe(expected);
          expect(request!.via).toBe('multicast');

          const reply = `200 OK to ${name} ${family}`;
          await device.send(encoder.encode(reply), {
            kind: 'unicast',
            interfaceId: request!.interfaceId,
            address: request!.remote.address,
            port: request!.remote.port,
          });
          await waitFor(() => withText(replies[name], reply).length > 0, reply);
          const arrival = device.interfaces.find((i) => i.id === expected)!;
          expect(withText(replies[name], reply)[0]!.remote.address.replace(/%.*$/, '')).toBe(arrival.address);
        }
      }
      // Each search reached the device exactly once, on one interface.
      expect(received.filter((d) => decoder.decode(d.bytes).startsWith('M-SEARCH'))).toHaveLength(4);
    });

    it('does not take multicast from a link it did not join, even when another process joined it there', async () => {
      const everywhere = await open(mh, { interfaces: ['all'], families: ['IPv4'] });
      const onlyLegacy = await open(mh, { interfaces: ['eth1'], families: ['IPv4'] });
      const [all, legacyOnly] = [collect(everywhere), collect(onlyLegacy)];
      const searcher = await open(a, { interfaces: ['eth0'], families: ['IPv4'], unicastPort: 0, joinGroup: false });
      await searcher.send(encoder.encode('lan0 search'), { kind: 'multicast', interfaceId: 'eth0/IPv4' });
      await waitFor(() => withText(all, 'lan0 search').length > 0, 'the search on the joined transport');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(withText(all, 'lan0 search')[0]!.interfaceId).toBe('eth0/IPv4');
      expect(withText(legacyOnly, 'lan0 search')).toHaveLength(0);
    });

    it('carries the legacy profile: directed broadcast to 192.168.0.255:1337', async () => {
      port = 1337;
      const device = await open(mh, { interfaces: ['eth1'], families: ['IPv4'], broadcast: true });
      expect(device.interfaces[0]).toMatchObject({ address: '192.168.0.2', broadcast: '192.168.0.255' });
      const received = collect(device);
      const sender = await open(b, { interfaces: ['eth0'], families: ['IPv4'], unicastPort: 0, joinGroup: false });
      await sender.send(encoder.encode('legacy NOTIFY'), { kind: 'broadcast', interfaceId: 'eth0/IPv4' });
      await waitFor(() => withText(received, 'legacy NOTIFY').length > 0, 'the broadcast');
      expect(withText(received, 'legacy NOTIFY')[0]).toMatchObject({
        via: 'broadcast',
        interfaceId: 'eth1/IPv4',
        remote: { address: '192.168.0.3' },
      });
    });

    it('notices an address change and a link going down and up (interface polling), and keeps the other link working', async () => {
      const device = await open(mh, { interfaces: ['eth0', 'eth1'], families: ['IPv4'], interfacePollMs: 100 });
      const changes: InterfacesChange[] = [];
      device.onInterfacesChanged((c) => changes.push(c));
      const received = collect(device);

      // A new lease: add the new address, drop the old one; the kernel promotes the new one, so at no time has
      // eth1 no IPv4 address (otherwise a poll in between would rightly report removed + added).
      await lab.exec('mh', 'sysctl', ['-qw', 'net.ipv4.conf.eth1.promote_secondaries=1']);
      await lab.exec('mh', 'ip', ['addr', 'add', '192.168.0.42/24', 'dev', 'eth1']);
      await lab.exec('mh', 'ip', ['addr', 'del', '192.168.0.2/24', 'dev', 'eth1']);
      await waitFor(() => changes.some((c) => c.changed.length > 0), 'the address change');
      const change = changes.find((c) => c.changed.length > 0)!;
      expect(change.changed.map((c) => [c.current.id, c.previous.address, c.current.address])).toEqual([
        ['eth1/IPv4', '192.168.0.2', '192.168.0.42'],
      ]);

      await lab.exec('mh', 'ip', ['link', 'set', 'eth1', 'down']);
      await waitFor(() => changes.some((c) => c.removed.some((i) => i.id === 'eth1/IPv4')), 'eth1 going down');
      expect(device.interfaces.map((i) => i.id)).toEqual(['eth0/IPv4']);
      const searcher = await open(a, { interfaces: ['eth0'], families: ['IPv4'], unicastPort: 0, joinGroup: false });
      await searcher.send(encoder.encode('still here?'), { kind: 'multicast', interfaceId: 'eth0/IPv4' });
      await waitFor(() => withText(received, 'still here?').length > 0, 'the other link to keep working');

      await lab.exec('mh', 'ip', ['link', 'set', 'eth1', 'up']);
      await waitFor(() => changes.some((c) => c.added.some((i) => i.id === 'eth1/IPv4')), 'eth1 coming back');
      const sender = await open(b, { interfaces: ['eth0'], families: ['IPv4'], unicastPort: 0, joinGroup: false });
      await sender.send(encoder.encode('back on legacy'), { kind: 'multicast', interfaceId: 'eth0/IPv4' });
      await waitFor(() => withText(received, 'back on legacy').length > 0, 'multicast on the returned link');
      expect(withText(received, 'back on legacy')[0]!.interfaceId).toBe('eth1/IPv4');
    });
  },
);
