import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DESCRIPTION_LIMITS,
  SsdpError,
  advertisementSet,
  buildDeviceDescription,
  parseDeviceDescription,
  type DescribedDevice,
  type DeviceDescription,
  type DeviceModel,
} from '../src/index.ts';
import { arbDeviceTree } from './arbitraries.ts';

const ROOT = 'uuid:00000000-0000-4000-8000-00000000000a';

const description: DeviceDescription = {
  specVersion: { major: 2, minor: 0 },
  configId: 1234,
  urlBase: 'http://192.168.1.20:8080/',
  device: {
    deviceType: 'urn:schemas-upnp-org:device:DimmableLight:1',
    friendlyName: 'Kitchen <Light> & "Friends" \'n\' Küche ☃',
    manufacturer: 'ACME',
    manufacturerURL: 'http://acme.example/?a=1&b=2',
    modelDescription: 'A light\nwith two lines',
    modelName: 'Lux',
    modelNumber: '1.0',
    modelURL: 'http://acme.example/lux',
    serialNumber: 'SN-1',
    udn: ROOT,
    upc: '012345678905',
    presentationURL: '/ui',
    icons: [{ mimetype: 'image/png', width: 48, height: 48, depth: 24, url: '/icon48.png' }],
    services: [
      {
        serviceType: 'urn:schemas-upnp-org:service:SwitchPower:1',
        serviceId: 'urn:upnp-org:serviceId:SwitchPower',
        scpdURL: '/SwitchPower.xml',
        controlURL: '/SwitchPower/control',
        eventSubURL: '/SwitchPower/event',
      },
    ],
    devices: [
      {
        deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
        friendlyName: 'Night light',
        manufacturer: 'ACME',
        modelName: 'Lux mini',
        udn: 'uuid:00000000-0000-4000-8000-00000000000b',
        icons: [],
        services: [],
        devices: [],
      },
    ],
  },
};

function errorCode(
  input: string | Uint8Array,
  limits?: Parameters<typeof parseDeviceDescription>[1],
): string | undefined {
  const result = parseDeviceDescription(input, limits);
  return result.ok ? undefined : result.error.code;
}

function parsed(input: string | Uint8Array): DeviceDescription {
  const result = parseDeviceDescription(input);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.description;
}

const minimal = (device: string, extra = ''): string =>
  `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0">${extra}<specVersion><major>1</major><minor>1</minor></specVersion><device>${device}</device></root>`;
const BASIC = `<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType><friendlyName>B</friendlyName><manufacturer>M</manufacturer><modelName>N</modelName><UDN>${ROOT}</UDN>`;

describe('buildDeviceDescription / parseDeviceDescription', () => {
  it('round-trips a full description, escaping every special character', () => {
    const xml = buildDeviceDescription(description);
    expect(xml).toContain(
      '<friendlyName>Kitchen &lt;Light&gt; &amp; &quot;Friends&quot; &apos;n&apos; Küche ☃</friendlyName>',
    );
    expect(xml).toContain('<root xmlns="urn:schemas-upnp-org:device-1-0" configId="1234">');
    expect(xml.indexOf('<deviceList>')).toBeLessThan(xml.lastIndexOf('<presentationURL>'));
    expect(parsed(xml)).toEqual(description);
    expect(parsed(new Uint8Array(Buffer.from(xml)))).toEqual(description);
  });

  it('gives a device model that advertisementSet accepts directly', () => {
    expect(advertisementSet(parsed(buildDeviceDescription(description)).device)).toHaveLength(3 + 2 + 1);
  });

  it('round-trips generated descriptions', () => {
    const text = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const toDescribed = (model: DeviceModel, name: string): DescribedDevice => ({
      deviceType: model.deviceType,
      friendlyName: name,
      manufacturer: 'M & Co',
      modelName: '<model>',
      udn: model.udn,
      icons: [],
      services: (model.services ?? []).map((s) => ({
        ...s,
        scpdURL: '/scpd.xml',
        controlURL: '/c',
        eventSubURL: '/e?x=1&y=2',
      })),
      devices: (model.devices ?? []).map((d) => toDescribed(d, name)),
    });
    fc.assert(
      fc.property(
        arbDeviceTree(),
        text,
        fc.option(fc.integer({ min: 0, max: 16777215 }), { nil: undefined }),
        (tree, name, configId) => {
          const input: DeviceDescription = {
            specVersion: { major: 2, minor: 0 },
            ...(configId === undefined ? {} : { configId }),
            device: toDescribed(tree, name),
          };
          expect(parsed(buildDeviceDescription(input))).toEqual(input);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses to build what XML cannot carry or what cannot be advertised', () => {
    const bad = (device: Partial<DescribedDevice>) => () =>
      buildDeviceDescription({ ...description, device: { ...description.device, ...device } });
    expect(bad({ friendlyName: 'a\u0000b' })).toThrow(SsdpError);
    expect(bad({ udn: 'not-a-uuid' })).toThrow(/UDN/);
    expect(() => buildDeviceDescription({ ...description, specVersion: { major: -1, minor: 0 } })).toThrow(SsdpError);
  });

  it('reads real-world documents: namespace prefixes, vendor elements, URLBase, BOM, whitespace, CDATA', () => {
    const xml =
      '\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n<root xmlns="urn:schemas-upnp-org:device-1-0" xmlns:dlna="urn:schemas-dlna-org:device-1-0">\r\n' +
      '  <specVersion>\n <major>1</major>\n <minor>0</minor>\n </specVersion>\n  <URLBase>http://10.77.0.11:8200/</URLBase>\n' +
      '  <device>\n    <deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>\n' +
      '    <friendlyName>  minidlna: &#x41;&#66;&amp;C  </friendlyName>\n    <manufacturer><![CDATA[Justin & <Maggard>]]></manufacturer>\n' +
      '    <modelName>Windows Media Connect compatible (MiniDLNA)</modelName>\n    <dlna:X_DLNADOC>DMS-1.50</dlna:X_DLNADOC>\n' +
      `    <UDN>uuid:4d696e69-444c-164e-9d41-00000a4d000b</UDN>\n    <serviceList><service><serviceType>urn:schemas-upnp-org:service:ContentDirectory:1</serviceType>` +
      '<serviceId>urn:upnp-org:serviceId:ContentDirectory</serviceId><SCPDURL>/ContentDir.xml</SCPDURL><controlURL>/ctl/ContentDir</controlURL>' +
      '<eventSubURL>/evt/ContentDir</eventSubURL></service></serviceList>\n  </device>\n</root>\n';
    const result = parsed(new Uint8Array(Buffer.from(xml)));
    expect(result.urlBase).toBe('http://10.77.0.11:8200/');
    expect(result.specVersion).toEqual({ major: 1, minor: 0 });
    expect(result.device.friendlyName).toBe('minidlna: AB&C');
    expect(result.device.manufacturer).toBe('Justin & <Maggard>');
    expect(result.device.services[0]!.controlURL).toBe('/ctl/ContentDir');
    expect(result.device.devices).toEqual([]);
    expect(result.configId).toBeUndefined();
  });

  it('reads missing optional and UDA-required-but-absent elements tolerantly', () => {
    const result = parsed(minimal(`<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType><UDN>${ROOT}</UDN>`));
    expect(result.device.friendlyName).toBe('');
    expect(result.device).not.toHaveProperty('manufacturerURL');
  });
});

describe('parseDeviceDescription on hostile or broken input (never throws, typed errors)', () => {
  it('rejects any DOCTYPE outright, with its offset', () => {
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE root [<!ENTITY x "y">]>\n${minimal(BASIC)}`;
    const result = parseDeviceDescription(xml);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('SSDP_ERR_XML_FORBIDDEN');
      expect(result.error.offset).toBe(22);
    }
  });

  it('rejects billion laughs before any expansion', () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
      Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
      ']><root><specVersion><major>1</major><minor>0</minor></specVersion><device><friendlyName>&lol9;</friendlyName></device></root>';
    expect(errorCode(lol)).toBe('SSDP_ERR_XML_FORBIDDEN');
  });

  it('rejects external entities and stray declarations, even without DOCTYPE first', () => {
    expect(errorCode('<!DOCTYPE r SYSTEM "file:///etc/passwd"><root/>')).toBe('SSDP_ERR_XML_FORBIDDEN');
    expect(errorCode(`<root><!ENTITY x SYSTEM "http://evil/">${BASIC}</root>`)).toBe('SSDP_ERR_XML_FORBIDDEN');
    expect(errorCode(minimal(BASIC.replace('>B<', '>&xxe;<')))).toBe('SSDP_ERR_XML_MALFORMED');
    expect(errorCode(minimal(`${BASIC}<unread>&xxe;</unread>`))).toBe('SSDP_ERR_XML_MALFORMED');
    expect(errorCode(minimal(BASIC).replace('<root ', '<root a="&xxe;" '))).toBe('SSDP_ERR_XML_MALFORMED');
  });

  it('bounds depth (default 32) without recursion limits, even at depth 100000', () => {
    const nest = (depth: number): string => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`;
    expect(errorCode(minimal(BASIC, nest(31)))).not.toBe('SSDP_ERR_XML_TOO_DEEP'); // root + 31 = 32 levels
    expect(errorCode(minimal(BASIC, nest(32)))).toBe('SSDP_ERR_XML_TOO_DEEP');
    expect(errorCode(nest(100_000), { maxBytes: 1_000_000 })).toBe('SSDP_ERR_XML_TOO_DEEP');
    expect(errorCode(minimal(BASIC, nest(3)), { maxDepth: 4 })).toBeUndefined();
    expect(errorCode(minimal(BASIC, nest(4)), { maxDepth: 4 })).toBe('SSDP_ERR_XML_TOO_DEEP');
  });

  it('bounds the element count (default 4096) and size (default 256 KiB)', () => {
    const many = (count: number): string => minimal(BASIC, '<x/>'.repeat(count));
    expect(parseDeviceDescription(many(4000)).ok).toBe(true);
    expect(errorCode(many(4100))).toBe('SSDP_ERR_XML_TOO_MANY_ELEMENTS');
    const huge = minimal(BASIC, `<pad>${'p'.repeat(DEFAULT_DESCRIPTION_LIMITS.maxBytes)}</pad>`);
    const result = parseDeviceDescription(new Uint8Array(Buffer.from(huge)));
    expect(result.ok ? undefined : [result.error.code, result.error.offset]).toEqual([
      'SSDP_ERR_XML_TOO_LARGE',
      262144,
    ]);
    expect(parseDeviceDescription(huge, { maxBytes: 300_000 }).ok).toBe(true);
  });

  it('rejects malformed XML and documents that are not root device descriptions', () => {
    expect(errorCode('<root><device></root>')).toBe('SSDP_ERR_XML_MALFORMED');
    expect(errorCode('<root attr="x>')).toBe('SSDP_ERR_XML_MALFORMED');
    expect(errorCode('<!-- unterminated')).toBe('SSDP_ERR_XML_MALFORMED');
    expect(errorCode(minimal(BASIC))).toBeUndefined();
    expect(errorCode(minimal(`${BASIC}<modelNumber>a & b</modelNumber>`))).toBe('SSDP_ERR_XML_MALFORMED');
    expect(errorCode('')).toBe('SSDP_ERR_XML_MALFORMED');
    expect(errorCode('<scpd><specVersion><major>1</major><minor>0</minor></specVersion></scpd>')).toBe(
      'SSDP_ERR_DESCRIPTION_INVALID',
    );
    expect(errorCode(minimal(BASIC).replace(/<UDN>.*<\/UDN>/, ''))).toBe('SSDP_ERR_DESCRIPTION_INVALID');
    expect(errorCode(minimal(BASIC).replace('<minor>1</minor>', '<minor>one</minor>'))).toBe(
      'SSDP_ERR_DESCRIPTION_INVALID',
    );
    expect(errorCode(minimal(`${BASIC}<deviceList><device>${BASIC}</device></deviceList>`))).toBe(
      'SSDP_ERR_DESCRIPTION_INVALID',
    );
    expect(errorCode(minimal(BASIC).replace('<root ', '<root configId="-1" '))).toBe('SSDP_ERR_DESCRIPTION_INVALID');
    expect(errorCode(42 as unknown as string)).toBe('SSDP_ERR_INVALID_ARGUMENT');
  });

  it('cannot pollute prototypes', () => {
    const result = parseDeviceDescription(
      minimal(`${BASIC}<__proto__><polluted>yes</polluted></__proto__><constructor>x</constructor>`),
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(result.ok || result.error instanceof SsdpError).toBe(true);
  });

  it('returns a description or a typed error for any string and any mutation of a valid document', () => {
    const valid = buildDeviceDescription(description);
    const check = (input: string): void => {
      const result = parseDeviceDescription(input);
      if (!result.ok) {
        expect(result.error).toBeInstanceOf(SsdpError);
        expect(result.error.code).not.toBe('SSDP_ERR_INTERNAL');
      }
    };
    fc.assert(fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), check), { numRuns: 2000 });
    fc.assert(
      fc.property(fc.nat(valid.length), fc.nat(valid.length), fc.string({ maxLength: 12 }), (at, length, insert) => {
        check(valid.slice(0, at) + insert + valid.slice(at + Math.min(length, 20)));
      }),
      { numRuns: 2000 },
    );
  });
});
