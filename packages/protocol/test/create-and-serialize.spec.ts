import { describe, expect, it } from 'vitest';
import {
  SsdpError,
  createMSearch,
  createNotifyAlive,
  createNotifyByeBye,
  createNotifyUpdate,
  createSearchResponse,
  parseMessage,
  serializeMessage,
  serializeMessageText,
  type SsdpMessage,
} from '../src/index.ts';
import { snapshot } from './fixtures.ts';

const UDN = 'uuid:2fac1234-31f8-11b4-a222-08002b34c003';
const SERVER = { os: { name: 'Linux', version: '6.1' }, product: { name: 'ssdp-device', version: '0.1.0' } };
const DATE = Date.UTC(2026, 10, 25, 17, 50, 29);

const names = (message: SsdpMessage): string[] => message.headers.map((h) => h.name);

function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof SsdpError ? error.code : 'not an SsdpError';
  }
  return undefined;
}

function reparsed(message: SsdpMessage): SsdpMessage {
  const result = parseMessage(serializeMessage(message));
  if (!result.ok) throw new Error(result.error.code);
  return result.message;
}

describe('constructors write headers in canonical UDA order', () => {
  it('createMSearch: HOST, MAN, MX, ST, USER-AGENT, CPFN, CPUUID, TCPPORT, then extras', () => {
    const search = createMSearch({
      st: { type: 'device', domain: 'schemas-upnp-org', name: 'BinaryLight', version: 1 },
      mx: 3,
      userAgent: { os: { name: 'Linux', version: '6.1' }, product: { name: 'ctl', version: '1' } },
      cpfn: 'Controller',
      cpuuid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
      tcpPort: 50000,
      extraHeaders: [{ name: 'X-Trace', value: 'abc' }],
    });
    expect(names(search)).toEqual([
      'HOST',
      'MAN',
      'MX',
      'ST',
      'USER-AGENT',
      'CPFN.UPNP.ORG',
      'CPUUID.UPNP.ORG',
      'TCPPORT.UPNP.ORG',
      'X-Trace',
    ]);
    expect(serializeMessageText(search)).toBe(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 3\r\n' +
        'ST: urn:schemas-upnp-org:device:BinaryLight:1\r\nUSER-AGENT: Linux/6.1 UPnP/2.0 ctl/1\r\nCPFN.UPNP.ORG: Controller\r\n' +
        'CPUUID.UPNP.ORG: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\r\nTCPPORT.UPNP.ORG: 50000\r\nX-Trace: abc\r\n\r\n',
    );
    expect(search.hostScope).toBe('multicast');
    expect(search.tcpPort).toBe(50000);
    expect(search.problems).toEqual([]);
  });

  it('createMSearch: a unicast search needs no MX; a multicast one does', () => {
    const unicast = createMSearch({ st: 'ssdp:all', host: '192.168.1.20:1900' });
    expect(names(unicast)).toEqual(['HOST', 'MAN', 'ST']);
    expect(unicast.hostScope).toBe('unicast');
    expect(thrownCode(() => createMSearch({ st: 'ssdp:all' }))).toBe('SSDP_ERR_INVALID_ARGUMENT');
    expect(thrownCode(() => createMSearch({ st: 'ssdp:all', mx: 0 }))).toBe('SSDP_ERR_INVALID_ARGUMENT');
    expect(thrownCode(() => createMSearch({ st: 'ssdp:all', mx: 121 }))).toBe('SSDP_ERR_INVALID_ARGUMENT');
  });

  it('createSearchResponse: CACHE-CONTROL, DATE, EXT, LOCATION, SERVER, ST, USN, BOOTID, CONFIGID, SEARCHPORT, SECURELOCATION', () => {
    const response = createSearchResponse({
      st: 'upnp:rootdevice',
      usn: { uuid: UDN.slice(5), target: { type: 'root-device' } },
      location: 'http://192.168.1.20:8080/description.xml',
      maxAge: 1800,
      date: new Date(DATE),
      server: SERVER,
      bootId: 7,
      configId: 1,
      searchPort: 49153,
      secureLocation: 'https://192.168.1.20:8443/description.xml',
    });
    expect(serializeMessageText(response)).toBe(
      'HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nDATE: Wed, 25 Nov 2026 17:50:29 GMT\r\nEXT:\r\n' +
        'LOCATION: http://192.168.1.20:8080/description.xml\r\nSERVER: Linux/6.1 UPnP/2.0 ssdp-device/0.1.0\r\n' +
        `ST: upnp:rootdevice\r\nUSN: ${UDN}::upnp:rootdevice\r\nBOOTID.UPNP.ORG: 7\r\nCONFIGID.UPNP.ORG: 1\r\n` +
        'SEARCHPORT.UPNP.ORG: 49153\r\nSECURELOCATION.UPNP.ORG: https://192.168.1.20:8443/description.xml\r\n\r\n',
    );
    expect(response.date?.getTime()).toBe(DATE);
    expect(response.ext).toBe(true);
    expect(
      createSearchResponse({
        st: 'ssdp:all',
        usn: UDN,
        location: 'http://x/',
        maxAge: 1800,
        date: DATE,
        server: 'A/1 UPnP/2.0 B/1',
      }).date?.getTime(),
    ).toBe(DATE);
  });

  it('createNotifyAlive / ByeBye / Update follow UDA §1.2.2-§1.2.4', () => {
    const alive = createNotifyAlive({
      nt: UDN,
      usn: UDN,
      location: 'http://h/d.xml',
      maxAge: 1800,
      server: SERVER,
      bootId: 1,
      configId: 2,
    });
    expect(names(alive)).toEqual([
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
    const byebye = createNotifyByeBye({ nt: UDN, usn: UDN, bootId: 1, configId: 2 });
    expect(names(byebye)).toEqual(['HOST', 'NT', 'NTS', 'USN', 'BOOTID.UPNP.ORG', 'CONFIGID.UPNP.ORG']);
    const update = createNotifyUpdate({
      nt: UDN,
      usn: UDN,
      location: 'http://h/d.xml',
      bootId: 1,
      configId: 2,
      nextBootId: 2,
      searchPort: 49152,
    });
    expect(names(update)).toEqual([
      'HOST',
      'LOCATION',
      'NT',
      'NTS',
      'USN',
      'BOOTID.UPNP.ORG',
      'CONFIGID.UPNP.ORG',
      'NEXTBOOTID.UPNP.ORG',
      'SEARCHPORT.UPNP.ORG',
    ]);
    expect([alive.kind, byebye.kind, update.kind]).toEqual(['notify-alive', 'notify-byebye', 'notify-update']);
    expect(update.nextBootId).toBe(2);
    expect(
      thrownCode(() =>
        createNotifyUpdate({ nt: UDN, usn: UDN, location: 'http://h/', bootId: 2, configId: 1, nextBootId: 2 }),
      ),
    ).toBe('SSDP_ERR_INVALID_ARGUMENT');
  });

  it('give the same typed view as the receiver gets after the wire', () => {
    const messages: SsdpMessage[] = [
      createMSearch({ st: 'ssdp:all', mx: 2, cpfn: 'x' }),
      createSearchResponse({
        st: UDN,
        usn: UDN,
        location: 'http://h/',
        maxAge: 60,
        date: DATE,
        server: SERVER,
        bootId: 3,
        configId: 4,
      }),
      createNotifyAlive({
        nt: 'upnp:rootdevice',
        usn: `${UDN}::upnp:rootdevice`,
        location: 'http://h/',
        maxAge: 1800,
        server: SERVER,
      }),
      createNotifyByeBye({ nt: 'upnp:rootdevice', usn: `${UDN}::upnp:rootdevice` }),
      createNotifyUpdate({ nt: UDN, usn: UDN, location: 'http://h/', bootId: 1, configId: 1, nextBootId: 9 }),
    ];
    for (const message of messages) expect(snapshot(reparsed(message))).toEqual(snapshot(message));
  });

  it('reject header injection and misuse of extraHeaders with typed errors', () => {
    expect(thrownCode(() => createMSearch({ st: 'ssdp:all', mx: 1, cpfn: 'a\r\nX-Evil: 1' }))).toBe(
      'SSDP_ERR_INVALID_HEADER',
    );
    expect(thrownCode(() => createMSearch({ st: 'ssdp:all\nX: y', mx: 1 }))).toBe('SSDP_ERR_INVALID_HEADER');
    expect(
      thrownCode(() => createMSearch({ st: 'ssdp:all', mx: 1, extraHeaders: [{ name: 'X-A', value: 'b\rc' }] })),
    ).toBe('SSDP_ERR_INVALID_HEADER');
    expect(
      thrownCode(() => createMSearch({ st: 'ssdp:all', mx: 1, extraHeaders: [{ name: 'Bad Name', value: '1' }] })),
    ).toBe('SSDP_ERR_INVALID_HEADER');
    expect(
      thrownCode(() =>
        createMSearch({ st: 'ssdp:all', mx: 1, extraHeaders: [{ name: 'st', value: 'upnp:rootdevice' }] }),
      ),
    ).toBe('SSDP_ERR_INVALID_ARGUMENT');
    expect(thrownCode(() => createNotifyAlive({ nt: UDN, usn: UDN, location: '', maxAge: 1, server: SERVER }))).toBe(
      'SSDP_ERR_INVALID_ARGUMENT',
    );
    expect(
      thrownCode(() =>
        createNotifyAlive({ nt: UDN, usn: UDN, location: 'http://h/', maxAge: 1, server: SERVER, bootId: -1 }),
      ),
    ).toBe('SSDP_ERR_INVALID_ARGUMENT');
  });
});

describe('serializeMessage', () => {
  const plain = (headers: { name: string; value: string }[], kind: SsdpMessage['kind'] = 'm-search') =>
    ({ kind, profile: 'upnp', headers }) as unknown as SsdpMessage;

  it('writes canonical names, "NAME:" for empty values, CRLF and a final CRLF CRLF', () => {
    const parsed = parseMessage('HTTP/1.1 200 OK\ncache-control: max-age=5\next:\nX-Mixed-Case: v\n\n');
    if (!parsed.ok) throw new Error(parsed.error.code);
    expect(serializeMessageText(parsed.message)).toBe(
      'HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=5\r\nEXT:\r\nX-Mixed-Case: v\r\n\r\n',
    );
    expect(serializeMessage(parsed.message)).toBeInstanceOf(Uint8Array);
  });

  it('encodes UTF-8', () => {
    const bytes = serializeMessage(createMSearch({ st: 'ssdp:all', mx: 1, cpfn: 'Küche' }));
    expect(Buffer.from(bytes).includes(Buffer.from('Küche', 'utf8'))).toBe(true);
  });

  it('throws typed errors for messages that cannot go on the wire', () => {
    expect(thrownCode(() => serializeMessage(plain([{ name: 'X', value: 'a\nb' }])))).toBe('SSDP_ERR_INVALID_HEADER');
    expect(thrownCode(() => serializeMessage(plain([{ name: 'X Y', value: 'a' }])))).toBe('SSDP_ERR_INVALID_HEADER');
    expect(thrownCode(() => serializeMessage(plain([{ name: 'NT', value: 'upnp:rootdevice' }], 'notify-alive')))).toBe(
      'SSDP_ERR_INVALID_ARGUMENT',
    );
    expect(thrownCode(() => serializeMessage(plain([{ name: 'NTS', value: 'ssdp:byebye' }], 'notify-alive')))).toBe(
      'SSDP_ERR_INVALID_ARGUMENT',
    );
  });

  it('refuses a message that does not fit in one UDP datagram (65507 bytes)', () => {
    const fits = plain([{ name: 'X-Pad', value: 'p'.repeat(65507 - 'M-SEARCH * HTTP/1.1\r\nX-Pad: \r\n\r\n'.length) }]);
    expect(serializeMessage(fits)).toHaveLength(65507);
    const tooBig = plain([
      { name: 'X-Pad', value: 'p'.repeat(65508 - 'M-SEARCH * HTTP/1.1\r\nX-Pad: \r\n\r\n'.length) },
    ]);
    expect(thrownCode(() => serializeMessage(tooBig))).toBe('SSDP_ERR_TOO_LARGE');
  });

  it('serializes plain message objects too (only kind, profile and headers are read)', () => {
    expect(serializeMessageText(plain([{ name: 'st', value: 'ssdp:all' }]))).toBe(
      'M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n',
    );
  });
});
