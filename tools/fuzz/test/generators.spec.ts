import { parseMessage } from '@ssdp/protocol';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  MAX_UDP_PAYLOAD,
  createGenerator,
  messageText,
  mutate,
  type FuzzCategory,
} from '../src/generators.ts';
import { judgeForController, judgeForDevice } from '../src/oracle.ts';
import { createRandom } from '../src/random.ts';
import { loadVectors } from '../src/vectors.ts';

const vectors = loadVectors();
const context = { vectors, attackerAddress: '10.77.0.4', knownUuids: ['2fac1234-31f8-11b4-a222-08002b34c003'] };
const only = (category: FuzzCategory, seed = 5) => createGenerator(seed, context, { [category]: 1 });
const text = (bytes: Uint8Array) => new TextDecoder('latin1').decode(bytes);
const draw = (category: FuzzCategory, n: number, seed = 5) => {
  const generator = only(category, seed);
  return Array.from({ length: n }, () => generator.next());
};

describe('seeded generators', () => {
  it('loads the real captures, valid and invalid', () => {
    expect(vectors.length).toBeGreaterThan(30);
    expect(vectors.some((v) => v.name.startsWith('invalid/'))).toBe(true);
    expect(vectors.some((v) => v.name === 'minidlnad-notify-alive.bin')).toBe(true);
  });

  it('is deterministic: a seed gives the same datagrams, another seed others', () => {
    // A digest per datagram (category, destination, length, FNV-1a of the bytes): cheap to compare.
    const take = (seed: number) => {
      const generator = createGenerator(seed, context);
      return Array.from({ length: 300 }, () => {
        const d = generator.next();
        let hash = 0x811c9dc5;
        for (const byte of d.bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
        return `${d.category} ${d.to} ${d.bytes.length} ${hash}`;
      });
    };
    const a = take(11);
    expect(take(11)).toEqual(a);
    expect(take(12)).not.toEqual(a);
  });

  it('draws every category of the default mix, each datagram fitting in one UDP datagram', () => {
    const generator = createGenerator(3, context);
    let largest = 0;
    for (let i = 0; i < 5000; i += 1) largest = Math.max(largest, generator.next().bytes.length);
    for (const category of CATEGORIES) expect(generator.counts[category], category).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(MAX_UDP_PAYLOAD);
    expect(largest).toBeGreaterThan(60_000); // the "64 KiB lines" are there
  });

  it('mutates real captures into something else, keeping most of their bytes', () => {
    const random = createRandom(9);
    let changed = 0;
    for (let i = 0; i < 200; i += 1) {
      const input = vectors[i % vectors.length]!.bytes;
      if (text(mutate(random, input)) !== text(input)) changed += 1;
    }
    expect(changed).toBeGreaterThan(180);
  });

  it('records the UUIDs it advertised, for a clean-up afterwards', () => {
    const generator = only('registry-flood');
    const sent = Array.from({ length: 50 }, () => generator.next());
    const uuids = generator.advertisedUuids();
    expect(uuids).toHaveLength(50);
    for (const [i, datagram] of sent.entries()) expect(text(datagram.bytes)).toContain(`uuid:${uuids[i]}`);
  });
});

describe('structured attacks and what each app must do with them (the oracle)', () => {
  it('header floods: over 64 lines the device refuses, over 100 both refuse', () => {
    for (const datagram of draw('header-flood', 300)) {
      const lines = text(datagram.bytes).split('\r\n').length - 3;
      const device = judgeForDevice(datagram.bytes, { multicast: true });
      expect(device.verdict).toBe('malformed');
      expect(['SSDP_ERR_TOO_MANY_HEADERS', 'SSDP_ERR_TOO_LARGE']).toContain(device.code);
      if (lines > 100)
        expect(judgeForController(datagram.bytes)).toMatch(/^drop:SSDP_ERR_(TOO_MANY_HEADERS|TOO_LARGE)$/);
    }
  });

  it('64 KiB lines are refused by both, by size or line length', () => {
    for (const datagram of draw('long-line', 200)) {
      expect(judgeForDevice(datagram.bytes, { multicast: true }).code).toMatch(/^SSDP_ERR_(TOO_LARGE|LINE_TOO_LONG)$/);
      if (datagram.bytes.length > 60_000)
        expect(judgeForController(datagram.bytes)).toBe('drop:SSDP_ERR_LINE_TOO_LONG');
    }
  });

  it('NUL bytes and invalid UTF-8 never make a verdict the parser cannot explain', () => {
    for (const datagram of draw('nul-utf8', 500)) {
      const parsed = parseMessage(datagram.bytes);
      const verdict = judgeForController(datagram.bytes);
      if (!parsed.ok) expect(verdict).toBe(`drop:${parsed.error.code}`);
      else expect(verdict).not.toMatch(/^drop:SSDP_ERR_(EMPTY|BAD_START_LINE)$/);
    }
  });

  it('MX -1, 1e309, NaN and 0 are mx-invalid by multicast; 99999 is answered (clamped to 5 s); unicast needs no MX', () => {
    const search = (mx: string | undefined) =>
      new TextEncoder().encode(
        messageText('M-SEARCH * HTTP/1.1', [
          ['HOST', '239.255.255.250:1900'],
          ['MAN', '"ssdp:discover"'],
          ...(mx === undefined ? [] : [['MX', mx] as [string, string]]),
          ['ST', 'ssdp:all'],
        ]),
      );
    for (const mx of ['-1', '1e309', 'NaN', '0', '3.5', ''])
      expect(judgeForDevice(search(mx), { multicast: true }).verdict, mx).toBe('mx-invalid');
    expect(judgeForDevice(search('99999'), { multicast: true }).verdict).toBe('search');
    expect(judgeForDevice(search(undefined), { multicast: true }).verdict).toBe('mx-missing');
    expect(judgeForDevice(search('-1'), { multicast: false }).verdict).toBe('search');
    expect(judgeForController(search('-1'))).toBe('ignored');
    // And the generator does send those values.
    const mxs = new Set(draw('mx-attack', 400).map((d) => /\r\nMX: ([^\r]*)\r\n/.exec(text(d.bytes))?.[1]));
    for (const mx of ['-1', '1e309', '99999', 'NaN']) expect(mxs).toContain(mx);
  });

  it('max-age=-5 and absurd max-ages still make valid adverts (the value is a problem, not the message)', () => {
    const datagrams = draw('max-age-attack', 300);
    const values = new Set(datagrams.map((d) => /CACHE-CONTROL: ([^\r]*)/.exec(text(d.bytes))?.[1]));
    expect(values).toContain('max-age=-5');
    expect(values).toContain('max-age=99999999999999999999');
    for (const datagram of datagrams) {
      expect(judgeForController(datagram.bytes)).toBe('advert');
      expect(judgeForDevice(datagram.bytes, { multicast: true }).verdict).toBe('not-a-search');
    }
  });

  it('LOCATION attacks: file:///, 127.0.0.1:22 and a 10 KB URL (over the controller line limit)', () => {
    const datagrams = draw('location-attack', 400);
    const locations = datagrams.map((d) => /\r\nLOCATION: ([^\r]*)\r\n/.exec(text(d.bytes))?.[1] ?? '');
    expect(locations).toContain('file:///');
    expect(locations).toContain('http://127.0.0.1:22/');
    expect(locations.some((l) => l.length > 10_000)).toBe(true);
    for (const [i, datagram] of datagrams.entries()) {
      expect(judgeForController(datagram.bytes)).toBe(
        locations[i]!.length > 8000 ? 'drop:SSDP_ERR_LINE_TOO_LONG' : 'advert',
      );
    }
  });

  it('USNs without a uuid are dropped by the controller; collisions reach the registry', () => {
    const verdicts = new Map<string, number>();
    for (const datagram of draw('usn-attack', 600)) {
      const verdict = judgeForController(datagram.bytes);
      verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
      const usn = /\r\nUSN: ([^\r]*)\r\n/.exec(text(datagram.bytes))?.[1];
      if (usn === 'urn:schemas-upnp-org:device:Basic:1' || usn === '1' || usn === 'uuid:')
        expect(verdict).toBe('drop:SSDP_ERR_INVALID_USN');
      // UDA devices in the wild use UUIDs of any form: a non-RFC 4122 one is kept as it is spelled.
      if (usn === 'uuid:not-a-uuid') expect(verdict).not.toMatch(/^drop:/);
      if (usn === undefined) expect(verdict).toBe('drop:missing-usn');
    }
    expect(verdicts.get('advert')).toBeGreaterThan(0);
    expect(verdicts.get('byebye')).toBeGreaterThan(0);
  });

  it('byebyes for never-seen devices, response floods and registry floods are well-formed adverts', () => {
    for (const datagram of draw('byebye-unknown', 100)) expect(judgeForController(datagram.bytes)).toBe('byebye');
    const responses = draw('response-flood', 200);
    expect(responses.some((d) => d.to === 'controller')).toBe(true);
    for (const datagram of responses) expect(judgeForController(datagram.bytes)).toBe('advert');
    const uuids = new Set(draw('registry-flood', 500).map((d) => /USN: uuid:([0-9a-f-]{36})/.exec(text(d.bytes))?.[1]));
    expect(uuids.size).toBe(500); // a fresh UDN every time
  });

  it('random bytes are refused by both with the same parse code', () => {
    for (const datagram of draw('random-bytes', 500)) {
      const device = judgeForDevice(datagram.bytes, { multicast: true });
      expect(device.verdict).toBe('malformed');
      expect(judgeForController(datagram.bytes)).toBe(`drop:${device.code}`);
    }
  });
});
