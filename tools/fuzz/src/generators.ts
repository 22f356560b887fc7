// Seeded generators of hostile SSDP datagrams: random bytes, mutations of real captures, and the structured
// attacks of the hardening issue. Pure functions of (seed, context): the real-UDP runner and the unit tests on
// the memory network draw from the same stream, so a seed reproduces a case anywhere.
import { createRandom, type FuzzRandom } from './random.ts';
import type { Vector } from './vectors.ts';

export const CATEGORIES = [
  'random-bytes',
  'vector-mutation',
  'header-flood',
  'long-line',
  'nul-utf8',
  'mx-attack',
  'max-age-attack',
  'location-attack',
  'usn-attack',
  'byebye-unknown',
  'response-flood',
  'registry-flood',
  'valid-search',
] as const;

export type FuzzCategory = (typeof CATEGORIES)[number];

/** Relative weights of the default mix (the big datagrams are rare: each long line is up to 65,000 bytes). */
export const DEFAULT_WEIGHTS: Readonly<Record<FuzzCategory, number>> = {
  'random-bytes': 14,
  'vector-mutation': 24,
  'header-flood': 3,
  'long-line': 0.5,
  'nul-utf8': 8,
  'mx-attack': 8,
  'max-age-attack': 6,
  'location-attack': 6,
  'usn-attack': 8,
  'byebye-unknown': 6,
  'response-flood': 6,
  'registry-flood': 2,
  'valid-search': 8,
};

/**
 * Where a datagram goes: `group` = 239.255.255.250:<port> (the device and the controller both hear it), `device`
 * = unicast to the device's SSDP port, `controller` = unicast to the controller's search (ephemeral) port, which
 * is where responses to a search it never sent arrive.
 */
export type FuzzDestination = 'group' | 'device' | 'controller';

export interface FuzzDatagram {
  readonly category: FuzzCategory;
  readonly bytes: Uint8Array;
  readonly to: FuzzDestination;
}

export interface FuzzContext {
  /** Real captures to mutate. */
  readonly vectors: readonly Vector[];
  /** The attacker's own address: LOCATIONs on it pass the controller's same-host check and get fetched. */
  readonly attackerAddress: string;
  /** A port on the attacker where nothing listens: fetches of those LOCATIONs fail at once (refused). */
  readonly closedPort?: number;
  /** UUIDs of real devices on the link, for collisions. */
  readonly knownUuids?: readonly string[];
  /** How many attacker UUIDs adverts reuse (collisions among themselves); default 256. */
  readonly uuidPool?: number;
  /** SSDP port in HOST headers; default 1900. */
  readonly port?: number;
  /** The device's address, for the HOST of unicast searches; default 10.77.0.2. */
  readonly deviceAddress?: string;
}

export interface FuzzGenerator {
  next(): FuzzDatagram;
  /** Every UUID this generator advertised with a well-formed USN (for a byebye clean-up after a run). */
  advertisedUuids(): string[];
  readonly counts: Readonly<Record<FuzzCategory, number>>;
}

const encoder = new TextEncoder();
const CRLF = '\r\n';

/** Builds a message from a start line and header lines, as text (callers may still corrupt it). */
export function messageText(
  startLine: string,
  headers: readonly (readonly [string, string])[],
  eol = CRLF,
  terminate = true,
): string {
  return startLine + eol + headers.map(([name, value]) => `${name}: ${value}${eol}`).join('') + (terminate ? eol : '');
}

function concat(parts: readonly (Uint8Array | string)[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Values that broke parsers somewhere (numbers out of range, empty, separators, non-ASCII). */
const NASTY_VALUES = [
  '',
  ' ',
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  '99999999999999999999999999',
  '0x10',
  '3.5',
  '+3',
  '\u0663', // an Arabic-Indic digit three
  'uuid:',
  '::',
  'null',
  'undefined',
  '%s%s%s%n',
  '../../../../etc/passwd',
  '"',
  ':',
  'a'.repeat(300),
];

/** The UDA 1.1 max payload recommendation aside, IPv4 UDP carries at most 65,507 bytes. */
export const MAX_UDP_PAYLOAD = 65_507;

export function createGenerator(
  seed: number,
  context: FuzzContext,
  weights: Partial<Record<FuzzCategory, number>> = DEFAULT_WEIGHTS,
): FuzzGenerator {
  const random = createRandom(seed);
  const port = context.port ?? 1900;
  const host = `239.255.255.250:${port}`;
  const closedPort = context.closedPort ?? 9;
  const attacker = context.attackerAddress;
  const pool = Array.from({ length: context.uuidPool ?? 256 }, () => random.uuid());
  const advertised = new Set<string>();
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<FuzzCategory, number>;
  const categories = CATEGORIES.filter((c) => (weights[c] ?? 0) > 0);
  const categoryWeights = categories.map((c) => weights[c] ?? 0);
  if (categories.length === 0) throw new Error('no category has a weight');

  const poolUuid = (): string => {
    if (context.knownUuids !== undefined && context.knownUuids.length > 0 && random.chance(0.05))
      return random.pick(context.knownUuids);
    return random.pick(pool);
  };
  const location = (uuid: string): string => `http://${attacker}:${closedPort}/${uuid}.xml`;

  function msearch(overrides: Record<string, string | undefined> = {}): [string, string][] {
    const base: Record<string, string | undefined> = {
      HOST: host,
      MAN: '"ssdp:discover"',
      MX: String(random.range(1, 3)),
      ST: random.pick([
        'ssdp:all',
        'upnp:rootdevice',
        'urn:schemas-upnp-org:device:Basic:1',
        'urn:schemas-upnp-org:device:MediaServer:1',
      ]),
      'USER-AGENT': 'Linux/6 UPnP/2.0 ssdp-fuzz/0.1',
      ...overrides,
    };
    return Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined);
  }

  function alive(uuid: string, overrides: Record<string, string | undefined> = {}): [string, string][] {
    const nt = random.pick([
      'upnp:rootdevice',
      `uuid:${uuid}`,
      'urn:schemas-upnp-org:device:Basic:1',
      'urn:schemas-upnp-org:service:SwitchPower:1',
    ]);
    const usn = nt.startsWith('uuid:') ? nt : `uuid:${uuid}::${nt}`;
    const base: Record<string, string | undefined> = {
      HOST: host,
      'CACHE-CONTROL': `max-age=${random.range(60, 1800)}`,
      LOCATION: location(uuid),
      NT: nt,
      NTS: 'ssdp:alive',
      SERVER: 'Linux/6 UPnP/2.0 ssdp-fuzz/0.1',
      USN: usn,
      'BOOTID.UPNP.ORG': String(random.range(1, 5)),
      'CONFIGID.UPNP.ORG': '1',
      ...overrides,
    };
    return Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined);
  }

  function response(uuid: string, overrides: Record<string, string | undefined> = {}): [string, string][] {
    const st = random.pick(['upnp:rootdevice', `uuid:${uuid}`, 'urn:schemas-upnp-org:device:MediaRenderer:1']);
    const base: Record<string, string | undefined> = {
      'CACHE-CONTROL': `max-age=${random.range(60, 1800)}`,
      DATE: 'Tue, 25 Nov 2025 20:00:00 GMT',
      EXT: '',
      LOCATION: location(uuid),
      SERVER: 'Linux/6 UPnP/2.0 ssdp-fuzz/0.1',
      ST: st,
      USN: st.startsWith('uuid:') ? st : `uuid:${uuid}::${st}`,
      'BOOTID.UPNP.ORG': '1',
      'CONFIGID.UPNP.ORG': '1',
      ...overrides,
    };
    return Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined);
  }

  /** Records the UUID of a well-formed advert so the runner can say byebye for it afterwards. */
  function note(uuid: string): string {
    advertised.add(uuid);
    return uuid;
  }

  const generate: Record<FuzzCategory, () => FuzzDatagram> = {
    'random-bytes': () => {
      // Mostly short (where parsers branch), sometimes up to a full Ethernet frame.
      const length = random.chance(0.1) ? 0 : random.chance(0.7) ? random.int(200) : random.int(1472);
      return { category: 'random-bytes', bytes: random.bytes(length), to: 'group' };
    },
    'vector-mutation': () => {
      const seedVector = random.pick(context.vectors).bytes;
      return {
        category: 'vector-mutation',
        bytes: mutate(random, seedVector),
        to: random.chance(0.2) ? 'device' : 'group',
      };
    },
    'header-flood': () => {
      // 65-100 lines: over the device's 64, under the controller's 100; beyond: over both.
      const lines = random.chance(0.5) ? random.range(65, 100) : random.range(101, 3000);
      const uuid = poolUuid();
      const head = random.chance(0.5) ? msearch() : alive(uuid);
      const start = head.some(([n]) => n === 'MAN') ? 'M-SEARCH * HTTP/1.1' : 'NOTIFY * HTTP/1.1';
      const flood: [string, string][] = [];
      const name = random.pick(['X-Flood', 'ST', 'HOST', 'USN', 'Cache-Control']);
      for (let i = 0; i < lines; i += 1)
        flood.push([name === 'X-Flood' ? `X-Flood-${i}` : name, random.pick(['1', 'x', 'ssdp:all', `uuid:${uuid}`])]);
      return { category: 'header-flood', bytes: encoder.encode(messageText(start, [...head, ...flood])), to: 'group' };
    },
    'long-line': () => {
      // "64 KiB lines": one datagram carries at most 65,507 bytes, so the longest line is just under that.
      // Shorter ones sit between the device's 2 KiB and the controller's 8 KiB line limits, or just over.
      const length = random.pick([random.range(2049, 8000), random.range(8193, 20_000), MAX_UDP_PAYLOAD - 400]);
      const filler = random.pick(['a', '0', ' ', '\t', '%']).repeat(length);
      const where = random.pick(['value', 'name', 'start']);
      const uuid = poolUuid();
      let text: string;
      if (where === 'start') text = messageText(`M-SEARCH /${filler} HTTP/1.1`, msearch());
      else if (where === 'name')
        text = messageText('NOTIFY * HTTP/1.1', [...alive(uuid), [`X-${filler.replace(/[^a]/g, 'b')}`, '1']]);
      else text = messageText('NOTIFY * HTTP/1.1', alive(uuid, { SERVER: `Linux/6 UPnP/2.0 ${filler}` }));
      const bytes = encoder.encode(text);
      return {
        category: 'long-line',
        bytes: bytes.length > MAX_UDP_PAYLOAD ? bytes.subarray(0, MAX_UDP_PAYLOAD) : bytes,
        to: 'group',
      };
    },
    'nul-utf8': () => {
      const bad = random.pick([
        new Uint8Array([0]),
        new Uint8Array([0, 0, 0, 0]),
        new Uint8Array([0xc3, 0x28]), // invalid continuation
        new Uint8Array([0xff, 0xfe]),
        new Uint8Array([0xc0, 0xaf]), // overlong '/'
        new Uint8Array([0xed, 0xa0, 0x80]), // a UTF-16 surrogate in UTF-8
        new Uint8Array([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
        new Uint8Array([0xe2, 0x80, 0xa8]), // U+2028 line separator (valid UTF-8, a line break to some)
        new Uint8Array([0x0d]), // a bare CR
      ]);
      const uuid = poolUuid();
      const headers = random.chance(0.5) ? msearch() : alive(uuid);
      const start = headers.some(([n]) => n === 'MAN') ? 'M-SEARCH * HTTP/1.1' : 'NOTIFY * HTTP/1.1';
      const text = messageText(start, headers);
      // Splice the bad bytes in at a random place: start line, a name, a value, the blank line.
      const at = random.int(text.length + 1);
      const bytes = encoder.encode(text);
      return { category: 'nul-utf8', bytes: concat([bytes.subarray(0, at), bad, bytes.subarray(at)]), to: 'group' };
    },
    'mx-attack': () => {
      const mx = random.pick([
        '-1',
        '1e309',
        '99999',
        'NaN',
        '0',
        '',
        '3.5',
        '+3',
        '0x10',
        '\u0663',
        '99999999999999999999999',
        ' 2 ',
        '2, 3',
      ]);
      const headers = msearch({ MX: mx });
      if (random.chance(0.15))
        headers.splice(
          headers.findIndex(([n]) => n === 'MX'),
          1,
        ); // no MX at all
      const unicast = random.chance(0.2);
      return {
        category: 'mx-attack',
        bytes: encoder.encode(messageText('M-SEARCH * HTTP/1.1', headers)),
        to: unicast ? 'device' : 'group',
      };
    },
    'max-age-attack': () => {
      const value = random.pick([
        'max-age=-5',
        'max-age=1e309',
        'max-age=99999999999999999999',
        'max-age=NaN',
        'max-age=2147483648',
        'max-age=',
        'no-cache',
        'max-age=0',
        'max-age=604801',
        'max-age = 10',
        'max-age=1, max-age=999999',
      ]);
      const uuid = poolUuid();
      const headers = random.chance(0.6)
        ? alive(uuid, { 'CACHE-CONTROL': value })
        : response(uuid, { 'CACHE-CONTROL': value });
      const start = headers.some(([n]) => n === 'NTS') ? 'NOTIFY * HTTP/1.1' : 'HTTP/1.1 200 OK';
      note(uuid);
      return {
        category: 'max-age-attack',
        bytes: encoder.encode(messageText(start, headers)),
        to: start === 'HTTP/1.1 200 OK' && random.chance(0.5) ? 'controller' : 'group',
      };
    },
    'location-attack': () => {
      const uuid = poolUuid();
      const value = random.pick([
        'file:///',
        'file:///etc/passwd',
        'http://127.0.0.1:22/',
        'http://127.0.0.1:22/description.xml',
        `http://${attacker}:${closedPort}/${'a'.repeat(10_000)}`, // a 10 KB URL
        `http://${attacker}:${closedPort}/${'a'.repeat(1500)}`,
        'https://example.com/d.xml',
        'http://user:pass@' + attacker + '/d.xml',
        'gopher://' + attacker + '/',
        'javascript:alert(1)',
        'http://[::1]:80/',
        'http://0x7f.1/',
        '/relative/path.xml',
        'http://' + attacker + ':99999/',
      ]);
      note(uuid);
      return {
        category: 'location-attack',
        bytes: encoder.encode(messageText('NOTIFY * HTTP/1.1', alive(uuid, { LOCATION: value }))),
        to: 'group',
      };
    },
    'usn-attack': () => {
      const uuid = poolUuid();
      const kind = random.int(3);
      const usn = random.pick([
        'urn:schemas-upnp-org:device:Basic:1', // no uuid at all
        '1', // the prototype's
        'uuid:',
        'uuid:not-a-uuid',
        '::upnp:rootdevice',
        `uuid:${uuid}::`,
        `uuid:${uuid}::urn:schemas-upnp-org:device:Basic:1::extra`,
        `UUID:${uuid.toUpperCase()}::upnp:rootdevice`, // a collision spelled differently
        `uuid:${uuid}`, // a plain collision with another advert of the pool (or a real device)
        `uuid:${uuid}::upnp:rootdevice`,
        undefined, // no USN header
      ]);
      const headers =
        kind === 0 ? alive(uuid, { USN: usn }) : kind === 1 ? response(uuid, { USN: usn }) : byebyeHeaders(usn);
      const start = kind === 1 ? 'HTTP/1.1 200 OK' : 'NOTIFY * HTTP/1.1';
      if (usn !== undefined && usn.toLowerCase().includes(uuid)) note(uuid);
      return {
        category: 'usn-attack',
        bytes: encoder.encode(messageText(start, headers)),
        to: kind === 1 && random.chance(0.5) ? 'controller' : 'group',
      };
    },
    'byebye-unknown': () => {
      // A byebye for a device never seen (a fresh UUID each time).
      const uuid = random.uuid();
      return {
        category: 'byebye-unknown',
        bytes: encoder.encode(messageText('NOTIFY * HTTP/1.1', byebyeHeaders(`uuid:${uuid}::upnp:rootdevice`))),
        to: 'group',
      };
    },
    'response-flood': () => {
      const uuid = poolUuid();
      note(uuid);
      return {
        category: 'response-flood',
        bytes: encoder.encode(messageText('HTTP/1.1 200 OK', response(uuid))),
        to: random.chance(0.7) ? 'controller' : 'group',
      };
    },
    'registry-flood': () => {
      // A fresh UDN every time: the controller's registry must stay at its bound.
      const uuid = note(random.uuid());
      return {
        category: 'registry-flood',
        bytes: encoder.encode(messageText('NOTIFY * HTTP/1.1', alive(uuid))),
        to: 'group',
      };
    },
    'valid-search': () => {
      const unicast = random.chance(0.3);
      const headers = msearch(unicast ? { HOST: `${context.deviceAddress ?? '10.77.0.2'}:${port}` } : {});
      return {
        category: 'valid-search',
        bytes: encoder.encode(messageText('M-SEARCH * HTTP/1.1', headers)),
        to: unicast ? 'device' : 'group',
      };
    },
  };

  function byebyeHeaders(usn: string | undefined): [string, string][] {
    const base: Record<string, string | undefined> = {
      HOST: host,
      NT: 'upnp:rootdevice',
      NTS: 'ssdp:byebye',
      USN: usn,
      'BOOTID.UPNP.ORG': '1',
      'CONFIGID.UPNP.ORG': '1',
    };
    return Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined);
  }

  return {
    next() {
      const category = random.weighted(categories, categoryWeights);
      counts[category] += 1;
      const datagram = generate[category]();
      // Floods of long header lines can outgrow what one UDP datagram carries: cut them there.
      return datagram.bytes.length > MAX_UDP_PAYLOAD
        ? { ...datagram, bytes: datagram.bytes.subarray(0, MAX_UDP_PAYLOAD) }
        : datagram;
    },
    advertisedUuids: () => [...advertised],
    counts,
  };
}

/** 1 to 4 random edits of a real capture: bit flips, interesting bytes, splices, truncation, line shuffles. */
export function mutate(random: FuzzRandom, input: Uint8Array): Uint8Array {
  let bytes: Uint8Array = new Uint8Array(input);
  const edits = random.range(1, 4);
  for (let e = 0; e < edits; e += 1) {
    const n = bytes.length;
    switch (random.int(10)) {
      case 0: {
        if (n === 0) break;
        const at = random.int(n);
        bytes[at] = bytes[at]! ^ (1 << random.int(8));
        break;
      }
      case 1: {
        if (n === 0) break;
        bytes[random.int(n)] = random.pick([0x00, 0xff, 0x0d, 0x0a, 0x3a, 0x20, 0x80, 0xc0, 0x09, 0x7f]);
        break;
      }
      case 2: {
        const at = random.int(n + 1);
        bytes = concat([bytes.subarray(0, at), random.bytes(random.range(1, 16)), bytes.subarray(at)]);
        break;
      }
      case 3: {
        if (n === 0) break;
        const at = random.int(n);
        bytes = concat([bytes.subarray(0, at), bytes.subarray(Math.min(n, at + random.range(1, 32)))]);
        break;
      }
      case 4: {
        // Duplicate a span: repeated headers, repeated start lines.
        if (n === 0) break;
        const at = random.int(n);
        const span = bytes.subarray(at, Math.min(n, at + random.range(1, 80)));
        bytes = concat([bytes.subarray(0, at), span, span, bytes.subarray(at + span.length)]);
        break;
      }
      case 5:
        bytes = bytes.subarray(0, random.int(n + 1));
        break;
      case 6: {
        // Line endings: CRLF to LF or CR.
        const text = new TextDecoder('latin1').decode(bytes);
        bytes = latin1(text.replace(/\r\n/g, random.pick(['\n', '\r', '\r\r\n', '\n\r'])));
        break;
      }
      case 7: {
        const text = new TextDecoder('latin1').decode(bytes);
        bytes = latin1(random.chance(0.5) ? text.toLowerCase() : text.toUpperCase());
        break;
      }
      case 8: {
        // Replace one header value with a nasty one.
        const text = new TextDecoder('latin1').decode(bytes);
        const lines = text.split('\r\n');
        const index = random.int(lines.length);
        const colon = lines[index]!.indexOf(':');
        if (colon > 0) lines[index] = `${lines[index]!.slice(0, colon + 1)} ${random.pick(NASTY_VALUES)}`;
        bytes = latin1(lines.join('\r\n'));
        break;
      }
      default: {
        const text = new TextDecoder('latin1').decode(bytes);
        const lines = text.split('\r\n');
        if (lines.length > 2) {
          const a = random.int(lines.length);
          const b = random.int(lines.length);
          [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        }
        bytes = latin1(lines.join('\r\n'));
      }
    }
  }
  return bytes;
}

function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) out[i] = text.charCodeAt(i) & 255;
  return out;
}
