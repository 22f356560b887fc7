import { describe, expect, it } from 'vitest';
import { parseMessage, serializeMessage, type ParseResult } from '../src/index.ts';
import {
  INVALID_DIR,
  INVALID_VECTORS,
  VALID_VECTORS,
  VECTOR_DIR,
  naiveHeaders,
  readExpected,
  snapshot,
  type InvalidExpectation,
} from './fixtures.ts';

function mustParse(result: ParseResult) {
  if (!result.ok) throw new Error(`unexpected ${result.error.code}: ${result.error.message}`);
  return result.message;
}

describe('real captures (test/vectors/*.bin)', () => {
  it('has every capture of the shared set (15 datagrams from 7 implementations)', () => {
    expect(VALID_VECTORS.map((v) => v.name)).toEqual([
      'achingbrain-msearch',
      'achingbrain-msearch-response',
      'achingbrain-notify',
      'gssdp-discover-msearch',
      'minidlnad-msearch-response',
      'minidlnad-notify-alive',
      'minidlnad-notify-alive-mediaserver',
      'minidlnad-notify-byebye',
      'minissdpd-msearch',
      'node-ssdp-client-msearch',
      'node-ssdp-server-msearch-response',
      'node-ssdp-server-notify',
      'seed-controller-msearch',
      'seed-device-notify',
      'upnpc-msearch',
    ]);
  });

  for (const vector of VALID_VECTORS) {
    describe(vector.name, () => {
      it('parses to the expected kind, profile, typed fields and ordered headers', () => {
        const message = mustParse(parseMessage(vector.bytes));
        expect(snapshot(message)).toEqual(readExpected(VECTOR_DIR, vector.name));
      });

      it('keeps every header line in wire order (cross-checked with a naive splitter)', () => {
        const message = mustParse(parseMessage(vector.bytes));
        expect(message.headers).toEqual(naiveHeaders(vector.bytes));
      });

      it('parses the same from a string as from bytes', () => {
        const fromBytes = mustParse(parseMessage(vector.bytes));
        const fromString = mustParse(parseMessage(Buffer.from(vector.bytes).toString('utf8')));
        expect(snapshot(fromString)).toEqual(snapshot(fromBytes));
      });

      it('serialize -> parse -> serialize is byte-stable in both profiles', () => {
        const message = mustParse(parseMessage(vector.bytes));
        for (const profile of ['upnp', 'legacy'] as const) {
          const once = serializeMessage(message, { profile });
          const again = serializeMessage(mustParse(parseMessage(once)));
          expect(Buffer.from(again).toString('latin1')).toBe(Buffer.from(once).toString('latin1'));
          expect(mustParse(parseMessage(once)).profile).toBe(profile);
        }
      });
    });
  }

  it('re-serializes the prototype captures byte for byte (legacy order, no final CRLF)', () => {
    for (const name of ['seed-controller-msearch', 'seed-device-notify']) {
      const vector = VALID_VECTORS.find((v) => v.name === name)!;
      const message = mustParse(parseMessage(vector.bytes));
      expect(message.profile).toBe('legacy');
      expect(Buffer.from(serializeMessage(message)).equals(Buffer.from(vector.bytes))).toBe(true);
    }
  });

  it('re-serializes a UPnP capture with canonical casing and a final CRLF CRLF', () => {
    const vector = VALID_VECTORS.find((v) => v.name === 'gssdp-discover-msearch')!;
    const out = Buffer.from(serializeMessage(mustParse(parseMessage(vector.bytes)))).toString('latin1');
    expect(out).toBe(
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nST: ssdp:all\r\nMX: 3\r\n' +
        'USER-AGENT: Linux/6.18.44-fc-v595 UPnP/1.0 GSSDP/1.6.2\r\n\r\n',
    );
  });
});

describe('invalid datagrams (test/vectors/invalid/*.bin)', () => {
  it('covers every framing error code', () => {
    const codes = new Set(INVALID_VECTORS.map((v) => readExpected<InvalidExpectation>(INVALID_DIR, v.name).code));
    expect([...codes].sort()).toEqual([
      'SSDP_ERR_BAD_START_LINE',
      'SSDP_ERR_EMPTY',
      'SSDP_ERR_LINE_TOO_LONG',
      'SSDP_ERR_MALFORMED_HEADER',
      'SSDP_ERR_MISSING_HEADER',
      'SSDP_ERR_TOO_LARGE',
      'SSDP_ERR_TOO_MANY_HEADERS',
      'SSDP_ERR_UNKNOWN_METHOD',
      'SSDP_ERR_UNKNOWN_NTS',
      'SSDP_ERR_UNSUPPORTED_STATUS',
    ]);
  });

  for (const vector of INVALID_VECTORS) {
    it(`${vector.name}: ${readExpected<InvalidExpectation>(INVALID_DIR, vector.name).description}`, () => {
      const expected = readExpected<InvalidExpectation>(INVALID_DIR, vector.name);
      const options = expected.limits ? { limits: expected.limits } : undefined;
      const result = parseMessage(vector.bytes, options);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe(expected.code);
      expect(result.error.offset ?? null).toBe(expected.offset);
      expect(result.error).toBeInstanceOf(Error);
      expect(result.error.name).toBe('SsdpError');
    });
  }

  it('accepts each limit-bound vector once its limit is raised to the default', () => {
    for (const vector of INVALID_VECTORS) {
      const expected = readExpected<InvalidExpectation>(INVALID_DIR, vector.name);
      if (expected.limits) expect(parseMessage(vector.bytes).ok).toBe(true);
    }
  });
});
