// What each app must do with a datagram, written by hand from UDA 1.1 §1.2-1.3 and the apps' documented limits
// (device: 8 KiB datagrams, 64 header lines, 2 KiB lines; controller: 64 KiB, 100 lines, 8 KiB), never computed
// with our codec. test/expected-verdicts.spec.ts holds the real device, the real control point and the oracle to
// these, so the oracle's per-reason counts in the namespace runs rest on expectations made apart from the code.
import type { FuzzCategory, FuzzDatagram } from './generators.ts';
import type { ControllerVerdict, DeviceVerdict } from './oracle.ts';

export interface HandVerdict {
  /** The device's verdict; a list where the hand rule allows either (e.g. two parse limits both apply). */
  readonly device: DeviceVerdict;
  /** For `malformed`: the acceptable SSDP_ERR_* codes. */
  readonly deviceCodes?: readonly string[];
  /** The controller's verdict, or a pattern where several parse codes fit. */
  readonly controller: ControllerVerdict | RegExp;
}

/** A subset of the real captures (packages/protocol/test/vectors), each judged by reading it. */
export const VECTOR_VERDICTS: Readonly<Record<string, HandVerdict>> = {
  // Searches with HOST, MAN "ssdp:discover", MX 1..3 and an ST: answered; a controller ignores other searches.
  'gssdp-discover-msearch.bin': { device: 'search', controller: 'ignored' },
  'upnpc-msearch.bin': { device: 'search', controller: 'ignored' },
  'node-ssdp-client-msearch.bin': { device: 'search', controller: 'ignored' },
  'achingbrain-msearch.bin': { device: 'search', controller: 'ignored' },
  // Adverts with a uuid USN: no search for the device, an advert (or byebye) for the controller.
  'minidlnad-notify-alive.bin': { device: 'not-a-search', controller: 'advert' },
  'minidlnad-notify-byebye.bin': { device: 'not-a-search', controller: 'byebye' },
  'minidlnad-msearch-response.bin': { device: 'not-a-search', controller: 'advert' },
  'node-ssdp-server-notify.bin': { device: 'not-a-search', controller: 'advert' },
  'achingbrain-notify.bin': { device: 'not-a-search', controller: 'advert' },
  // Broken framing: refused by both under the same parse code.
  'invalid/empty.bin': malformedForBoth('SSDP_ERR_EMPTY'),
  'invalid/only-blank-lines.bin': malformedForBoth('SSDP_ERR_EMPTY'),
  'invalid/unknown-method.bin': malformedForBoth('SSDP_ERR_UNKNOWN_METHOD'),
  'invalid/unknown-method-lowercase.bin': malformedForBoth('SSDP_ERR_UNKNOWN_METHOD'),
  'invalid/bad-start-line-version.bin': malformedForBoth('SSDP_ERR_BAD_START_LINE'),
  'invalid/status-404.bin': malformedForBoth('SSDP_ERR_UNSUPPORTED_STATUS'),
  'invalid/malformed-no-colon.bin': malformedForBoth('SSDP_ERR_MALFORMED_HEADER'),
  'invalid/notify-without-nts.bin': malformedForBoth('SSDP_ERR_MISSING_HEADER'),
  'invalid/notify-unknown-nts.bin': malformedForBoth('SSDP_ERR_UNKNOWN_NTS'),
};

function malformedForBoth(code: string): HandVerdict {
  return { device: 'malformed', deviceCodes: [code], controller: `drop:${code}` };
}

const TEXT = new TextDecoder('latin1');
const header = (text: string, name: string): string | undefined =>
  new RegExp(`\r\n${name}:([^\r]*)\r\n`, 'i').exec(text)?.[1]?.trim();

const USN_SHAPE = /^uuid:[^:]+(?:::[^:]+(?::[^:]+)*)?$/i;

/** UDA: MX is an integer ≥ 1 in decimal digits (values above 5 count as 5); anything else is invalid. */
const MX_IS_VALID = /^[0-9]+$/;

/**
 * The hand rule of each structured attack family: the verdict for one datagram of it, read off its text the way
 * a person would (header counts, line lengths, the value under attack). Families of random bytes and bit flips
 * have no per-datagram rule beyond `random-bytes` being malformed for both.
 */
export const FAMILY_RULES: Partial<Record<FuzzCategory, (datagram: FuzzDatagram) => HandVerdict>> = {
  'random-bytes': () => ({ device: 'malformed', controller: /^drop:SSDP_ERR_/ }),
  'header-flood': ({ bytes }) => {
    const lines = TEXT.decode(bytes).split('\r\n').length - 3; // start line, blank line, the empty rest
    const cut = bytes.length > 8192 ? ['SSDP_ERR_TOO_LARGE'] : ['SSDP_ERR_TOO_MANY_HEADERS'];
    return {
      device: 'malformed',
      deviceCodes: cut,
      controller: lines > 100 ? 'drop:SSDP_ERR_TOO_MANY_HEADERS' : isSearch(bytes) ? 'ignored' : 'advert',
    };
  },
  'long-line': ({ bytes }) => {
    const lines = TEXT.decode(bytes).split('\r\n');
    const tooLarge = bytes.length > 8192;
    // The request-target of an SSDP request is `*` (UDA §1.1.2): a long path breaks the start line whatever its size.
    if (lines[0]!.startsWith('M-SEARCH /')) {
      return {
        device: 'malformed',
        deviceCodes: tooLarge ? ['SSDP_ERR_TOO_LARGE'] : ['SSDP_ERR_BAD_START_LINE', 'SSDP_ERR_LINE_TOO_LONG'],
        controller: /^drop:SSDP_ERR_(BAD_START_LINE|LINE_TOO_LONG)$/,
      };
    }
    const longest = Math.max(...lines.map((l) => l.length));
    return {
      device: 'malformed',
      deviceCodes: tooLarge ? ['SSDP_ERR_TOO_LARGE'] : ['SSDP_ERR_LINE_TOO_LONG'],
      controller: longest > 8192 ? 'drop:SSDP_ERR_LINE_TOO_LONG' : 'advert',
    };
  },
  'mx-attack': ({ bytes, to }) => {
    const mx = header(TEXT.decode(bytes), 'MX');
    const device: DeviceVerdict =
      to === 'device'
        ? 'search'
        : mx === undefined
          ? 'mx-missing'
          : MX_IS_VALID.test(mx) && !/^0+$/.test(mx)
            ? 'search'
            : 'mx-invalid';
    return { device, controller: 'ignored' };
  },
  // CACHE-CONTROL is not needed to tell an advert: a bad max-age is a problem with the value, not the message.
  'max-age-attack': () => ({ device: 'not-a-search', controller: 'advert' }),
  'location-attack': ({ bytes }) => {
    const location = header(TEXT.decode(bytes), 'LOCATION') ?? '';
    const line = 'LOCATION: '.length + location.length;
    const controller = line > 8192 ? 'drop:SSDP_ERR_LINE_TOO_LONG' : 'advert';
    if (bytes.length > 8192) return { device: 'malformed', deviceCodes: ['SSDP_ERR_TOO_LARGE'], controller };
    if (line > 2048) return { device: 'malformed', deviceCodes: ['SSDP_ERR_LINE_TOO_LONG'], controller };
    return { device: 'not-a-search', controller };
  },
  'usn-attack': ({ bytes }) => {
    const text = TEXT.decode(bytes);
    const usn = header(text, 'USN');
    const kind = text.includes('ssdp:byebye') ? 'byebye' : 'advert';
    // UDA §1.1.4: a USN is uuid:<device UUID>, optionally ::<a type of colon-separated parts>; without a UUID
    // there is no device to key the advert by, and an empty or extra `::` part is no type.
    const controller: ControllerVerdict =
      usn === undefined ? 'drop:missing-usn' : USN_SHAPE.test(usn) ? kind : 'drop:SSDP_ERR_INVALID_USN';
    return { device: 'not-a-search', controller };
  },
  'byebye-unknown': () => ({ device: 'not-a-search', controller: 'byebye' }),
  'response-flood': () => ({ device: 'not-a-search', controller: 'advert' }),
  'registry-flood': () => ({ device: 'not-a-search', controller: 'advert' }),
  'valid-search': () => ({ device: 'search', controller: 'ignored' }),
};

function isSearch(bytes: Uint8Array): boolean {
  return TEXT.decode(bytes.subarray(0, 9)) === 'M-SEARCH ';
}
