import { describe, expect, it } from 'vitest';
import {
  LEGACY_LINE,
  createMSearch,
  createNotifyAlive,
  parseMessage,
  serializeMessage,
  serializeMessageText,
} from '../src/index.ts';

// What the prototype does with a datagram: split on CRLF and read fixed lines (1-based: line 1 = start line).
const prototypeLines = (bytes: Uint8Array): string[] => Buffer.from(bytes).toString('utf8').split('\r\n');
const prototypeMx = (bytes: Uint8Array): string => prototypeLines(bytes)[LEGACY_LINE.MX - 1]!.split(' ')[1]!;

const UDN = 'uuid:5a1c0d3e-2b4f-4c6a-9e8d-7f6a5b4c3d2e';
const PROTOTYPE_SEARCH =
  'M-SEARCH * HTTP/1.1\r\nHOST: 192.168.0.255:1337\r\nMAN: ssdp:discover\r\nMX: 4\r\nST: null\r\nUSER-AGENT: WIN10.\r\n' +
  'CPFN.UPNP.ORG: server\r\nCPUUID.UPNP.ORG: f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
const PROTOTYPE_REPLY =
  'NOTIFY * HTTP/1.1\r\nHOST: 192.168.0.255:1337\r\nCACHE-CONTROL: max-age=99999\r\nLOCATION: null\r\nNT: notify\r\n' +
  'NTS: ssdp:alive\r\nSERVER: Raspbian GNU/Linux 10\r\nUSN: 1\r\nBOOTID.UPNP.ORG: null.\r\n' +
  'CONFIGID.UPNP.ORG: a51d4fae-7dec-11d0-a765-00a0c91e6bf6.\r\nSEARCHPORT.UPNP.ORG: null';

describe('legacy profile: the prototype dialect', () => {
  it("parses the prototype's own bytes as legacy messages, not errors", () => {
    const search = parseMessage(Buffer.from(PROTOTYPE_SEARCH));
    const reply = parseMessage(Buffer.from(PROTOTYPE_REPLY));
    expect(search.ok && search.message.kind === 'm-search' && search.message.profile).toBe('legacy');
    expect(reply.ok && reply.message.kind === 'notify-alive' && reply.message.profile).toBe('legacy');
    if (!reply.ok || reply.message.kind !== 'notify-alive') return;
    expect(reply.message.usn).toBeUndefined(); // `USN: 1` is kept raw and reported, not fatal
    expect(reply.message.problems.map((p) => p.header)).toEqual([
      'NT',
      'USN',
      'BOOTID.UPNP.ORG',
      'CONFIGID.UPNP.ORG',
      'SEARCHPORT.UPNP.ORG',
    ]);
    expect(reply.message.location).toBe('null');
  });

  it('writes an M-SEARCH with real values in the prototype order and no final CRLF', () => {
    const search = createMSearch({
      profile: 'legacy',
      host: '192.168.0.255:1337',
      mx: 4,
      st: 'upnp:rootdevice',
      userAgent: { os: { name: 'Linux', version: '6.1' }, product: { name: 'ssdp-controller', version: '0.1.0' } },
      cpfn: 'Living room controller',
      cpuuid: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
    });
    const bytes = serializeMessage(search);
    expect(Buffer.from(bytes).toString('utf8')).toBe(
      'M-SEARCH * HTTP/1.1\r\nHOST: 192.168.0.255:1337\r\nMAN: "ssdp:discover"\r\nMX: 4\r\nST: upnp:rootdevice\r\n' +
        'USER-AGENT: Linux/6.1 UPnP/2.0 ssdp-controller/0.1.0\r\nCPFN.UPNP.ORG: Living room controller\r\n' +
        'CPUUID.UPNP.ORG: f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
    );
    // The prototype device reads MX from line 4 with split(" ")[1] and USER-AGENT from line 6.
    expect(prototypeMx(bytes)).toBe('4');
    expect(prototypeLines(bytes)[LEGACY_LINE.USER_AGENT - 1]).toBe(
      'USER-AGENT: Linux/6.1 UPnP/2.0 ssdp-controller/0.1.0',
    );
  });

  it('writes the NOTIFY reply with real values in the prototype order; SERVER is on line 7', () => {
    const reply = createNotifyAlive({
      profile: 'legacy',
      host: '192.168.0.255:1337',
      maxAge: 1800,
      location: 'http://192.168.0.12:8080/description.xml',
      nt: 'upnp:rootdevice',
      server: { os: { name: 'Linux', version: '6.1' }, product: { name: 'ssdp-device', version: '0.1.0' } },
      usn: `${UDN}::upnp:rootdevice`,
      bootId: 1764093029,
      configId: 1,
      searchPort: 49152,
    });
    const bytes = serializeMessage(reply);
    const lines = prototypeLines(bytes);
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
      'SEARCHPORT.UPNP.ORG',
    ]);
    expect(lines[LEGACY_LINE.SERVER - 1]).toBe('SERVER: Linux/6.1 UPnP/2.0 ssdp-device/0.1.0');
    expect(Buffer.from(bytes).toString('utf8').endsWith('SEARCHPORT.UPNP.ORG: 49152')).toBe(true);
    const parsed = parseMessage(bytes);
    expect(parsed.ok && parsed.message.profile).toBe('legacy');
    expect(parsed.ok && parsed.message.problems).toEqual([]);
  });

  it('reorders any message into the prototype order when serialized as legacy, extras last', () => {
    const parsed = parseMessage(
      'NOTIFY * HTTP/1.1\r\nX-Vendor: 1\r\nSERVER: A/1 UPnP/2.0 B/1\r\nNTS: ssdp:alive\r\nNT: upnp:rootdevice\r\n' +
        `USN: ${UDN}::upnp:rootdevice\r\nLOCATION: http://10.0.0.1/d.xml\r\nCACHE-CONTROL: max-age=1800\r\nHOST: 239.255.255.250:1900\r\n\r\n`,
    );
    if (!parsed.ok) throw new Error(parsed.error.code);
    const text = serializeMessageText(parsed.message, { profile: 'legacy' });
    expect(text.split('\r\n').map((line) => line.split(':')[0])).toEqual([
      'NOTIFY * HTTP/1.1',
      'HOST',
      'CACHE-CONTROL',
      'LOCATION',
      'NT',
      'NTS',
      'SERVER',
      'USN',
      'X-Vendor',
    ]);
    expect(text.endsWith('\r\n')).toBe(false);
  });

  it('refuses a legacy M-SEARCH that would break the line positions', () => {
    expect(() => createMSearch({ profile: 'legacy', st: 'ssdp:all', userAgent: 'A/1 UPnP/2.0 B/1' })).toThrow(/MX/);
    expect(() => createMSearch({ profile: 'legacy', st: 'ssdp:all', mx: 4 })).toThrow(/USER-AGENT/);
  });
});
