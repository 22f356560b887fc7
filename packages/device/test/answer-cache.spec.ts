import type { SearchMatch } from '@ssdp/protocol';
import type { TransportInterface } from '@ssdp/transport';
import { describe, expect, it } from 'vitest';
import { createAnswerCache } from '../src/answer-cache.ts';
import type { FleetMember } from '../src/fleet.ts';

const eth0 = { id: 'eth0/IPv4' } as TransportInterface;
const eth1 = { id: 'eth1/IPv4' } as TransportInterface;
const member = { configId: 1 } as FleetMember;
const root: SearchMatch = { st: 'upnp:rootdevice', usn: 'uuid:a::upnp:rootdevice' };
const typeV2: SearchMatch = { st: 'urn:x:device:T:2', usn: 'uuid:a::urn:x:device:T:2' };
const typeV1: SearchMatch = { st: 'urn:x:device:T:1', usn: 'uuid:a::urn:x:device:T:2' }; // the requested version echoed
const L0 = 'http://10.0.0.2:8080/d.xml';

function setup() {
  const built: string[] = [];
  const cache = createAnswerCache((now, iface, location, _member, match) => {
    const text = `${now} ${iface.id} ${location} ${match.st} ${match.usn}`;
    built.push(text);
    return new TextEncoder().encode(text);
  });
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { cache, built, text };
}

describe('createAnswerCache', () => {
  it('builds an answer once per second and hands out the same bytes within it', () => {
    const { cache, built } = setup();
    const first = cache.get(5_000, 1, eth0, L0, member, root);
    for (let now = 5_001; now < 6_000; now += 97) expect(cache.get(now, 1, eth0, L0, member, { ...root })).toBe(first);
    expect(built).toHaveLength(1);
    const next = cache.get(6_000, 1, eth0, L0, member, root); // a new DATE second
    expect(next).not.toBe(first);
    expect(built).toEqual([
      `5000 eth0/IPv4 ${L0} upnp:rootdevice uuid:a::upnp:rootdevice`,
      `6000 eth0/IPv4 ${L0} upnp:rootdevice uuid:a::upnp:rootdevice`,
    ]);
  });

  it('keeps answers apart per interface, USN and ST, and rebuilds on a new BOOTID or LOCATION', () => {
    const { cache, built, text } = setup();
    const answers = [
      cache.get(0, 1, eth0, L0, member, root),
      cache.get(1, 1, eth1, 'http://192.168.7.2:8081/d.xml', member, root),
      cache.get(2, 1, eth0, L0, member, typeV2),
      cache.get(3, 1, eth0, L0, member, typeV1),
    ];
    expect(new Set(answers.map(text)).size).toBe(4);
    expect(built).toHaveLength(4);
    expect(cache.get(4, 1, eth0, L0, member, typeV1)).toBe(answers[3]);
    expect(built).toHaveLength(4);
    expect(cache.get(5, 2, eth0, L0, member, root)).not.toBe(answers[0]); // BOOTID changed
    expect(text(cache.get(6, 2, eth0, 'http://10.0.0.9:8080/d.xml', member, root))).toContain('10.0.0.9'); // LOCATION changed
    expect(built).toHaveLength(6);
  });
});
