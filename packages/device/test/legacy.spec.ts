import { LEGACY_LINE, parseMessage } from '@ssdp/protocol';
import { type Datagram } from '@ssdp/transport';
import { createMemoryTransport } from '@ssdp/transport/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, createLab, deviceDelays, SERVER, TRANSIT_MS } from './support/harness.ts';

// The Python prototype's controller search, byte for byte (its LAN was 192.168.0.0/24; ours is 10.0.0.0/24).
const PROTOTYPE_SEARCH =
  'M-SEARCH * HTTP/1.1\r\nHOST: 10.0.0.255:1337\r\nMAN: ssdp:discover\r\nMX: 4\r\nST: null\r\nUSER-AGENT: WIN10.\r\n' +
  'CPFN.UPNP.ORG: server\r\nCPUUID.UPNP.ORG: f81d4fae-7dec-11d0-a765-00a0c91e6bf6';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function legacyLab(options: { broadcastAddress?: string } = {}) {
  const lab = createLab({ device: { profile: 'legacy', ...options } });
  // The prototype controller: searches from an ephemeral port and listens on 1337 for the replies.
  const searcher = await lab.controlPoint(
    'cp',
    { name: 'eth0', link: 'lan', ipv4: '10.0.0.3/24' },
    { port: 1337, broadcast: true, joinGroup: false },
  );
  const listener = createMemoryTransport(
    { interfaces: ['eth0'], port: 1337, unicastPort: 1337, joinGroup: false },
    { network: lab.network, host: searcher.host },
  );
  await listener.start();
  const replies: { at: number; datagram: Datagram; text: string }[] = [];
  listener.onDatagram((datagram) =>
    replies.push({ at: Date.now(), datagram, text: new TextDecoder().decode(datagram.bytes) }),
  );
  return { lab, searcher, replies };
}

describe('legacy profile (the prototype dialect)', () => {
  it("answers the prototype's ST: null search with a NOTIFY to (searcher, 1337), SERVER on line 7", async () => {
    const { lab, searcher, replies } = await legacyLab();
    await lab.start();
    const sentAt = Date.now();
    await searcher.sendRaw(PROTOTYPE_SEARCH, { kind: 'broadcast', interfaceId: searcher.interfaceId });
    await advance(4000 + TRANSIT_MS);
    const own = replies.filter((r) => r.datagram.via === 'unicast');
    expect(own).toHaveLength(1);
    const reply = own[0]!;
    expect(reply.at - sentAt).toBeLessThanOrEqual(4000 + TRANSIT_MS);
    expect(deviceDelays(lab)).toHaveLength(1);
    expect(reply.datagram.remote.address).toBe('10.0.0.2');
    // Not to the source port of the search: that socket heard nothing.
    expect(searcher.received.filter((r) => r.datagram.via === 'unicast')).toHaveLength(0);
    const record = lab.network.log.find((r) => r.host === 'device' && r.via === 'unicast')!;
    expect(record.to).toEqual({ address: '10.0.0.3', port: 1337 });

    const lines = reply.text.split('\r\n');
    const member = lab.device.fleet!.members[0]!;
    expect(lines.map((line) => line.split(':')[0])).toEqual([
      'NOTIFY * HTTP/1.1',
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
    expect(lines[LEGACY_LINE.SERVER - 1]).toBe(`SERVER: ${SERVER}`);
    expect(lines[3]).toMatch(new RegExp(`^LOCATION: http://10\\.0\\.0\\.2:\\d+${member.path}$`));
    expect(lines[1]).toBe('HOST: 10.0.0.255:1337');
    expect(lines[5]).toBe('NTS: ssdp:alive');
    expect(lines[7]).toBe(`USN: ${member.udn}::upnp:rootdevice`);
    expect(lines[8]).toBe(`BOOTID.UPNP.ORG: ${lab.device.bootId}`);
    expect(reply.text.endsWith('\r\n')).toBe(false);
    const parsed = parseMessage(reply.datagram.bytes);
    expect(parsed.ok && parsed.message.profile).toBe('legacy');
    expect(parsed.ok && parsed.message.problems).toEqual([]);

    // It read MX from line 4 and USER-AGENT from line 6 as the prototype wrote them.
    const search = lab.eventsOf('search-received')[0]!;
    expect(search).toMatchObject({ mx: '4', userAgent: 'WIN10.', windowMs: 4000, via: 'broadcast' });
    expect(search).toMatchObject({ from: { address: '10.0.0.3', port: searcher.port } });
  });

  it('honours MX up to 120 s and clamps above', async () => {
    const { lab, searcher } = await legacyLab();
    await lab.start();
    const search = (mx: number) =>
      searcher.sendRaw(PROTOTYPE_SEARCH.replace('MX: 4', `MX: ${mx}`), {
        kind: 'broadcast',
        interfaceId: searcher.interfaceId,
      });
    await search(100);
    await search(600);
    await advance(10);
    expect(lab.eventsOf('search-received').map((e) => e.windowMs)).toEqual([100_000, 120_000]);
    await advance(120_000);
    expect(lab.device.stats.responses).toBe(2);
  });

  it('answers a matching ST with the matching NOTIFYs, and announces by broadcast in the prototype framing', async () => {
    const { lab, searcher, replies } = await legacyLab({ broadcastAddress: '10.0.0.255' });
    await lab.start();
    const alive = lab.network.log.filter((r) => r.host === 'device' && r.via === 'broadcast');
    expect(alive).toHaveLength(9);
    expect(alive.every((r) => r.to.address === '10.0.0.255' && r.to.port === 1337)).toBe(true);
    expect(new TextDecoder().decode(alive[0]!.bytes).endsWith('\r\n')).toBe(false);
    await searcher.sendRaw(PROTOTYPE_SEARCH.replace('ST: null', 'ST: ssdp:all'), {
      kind: 'broadcast',
      interfaceId: searcher.interfaceId,
    });
    await advance(4000);
    expect(replies.filter((r) => r.datagram.via === 'unicast').map((r) => r.text.split('\r\n')[4])).toHaveLength(3);
  });
});
