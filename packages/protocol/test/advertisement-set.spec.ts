import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SsdpError,
  advertisementSet,
  parseSearchTarget,
  parseUsn,
  searchResponses,
  type DeviceModel,
} from '../src/index.ts';
import { arbDeviceTree } from './arbitraries.ts';

const ROOT = 'uuid:00000000-0000-4000-8000-000000000001';
const EMB = 'uuid:00000000-0000-4000-8000-000000000002';
const DEEP = 'uuid:00000000-0000-4000-8000-000000000003';
const SP1 = 'urn:schemas-upnp-org:service:SwitchPower:1';
const DIM1 = 'urn:schemas-upnp-org:service:Dimming:1';
const CM2 = 'urn:schemas-upnp-org:service:ConnectionManager:2';

const light: DeviceModel = {
  deviceType: 'urn:schemas-upnp-org:device:DimmableLight:2',
  udn: ROOT,
  services: [
    { serviceType: SP1, serviceId: 'urn:upnp-org:serviceId:SwitchPower' },
    { serviceType: DIM1, serviceId: 'urn:upnp-org:serviceId:Dimming' },
  ],
  devices: [
    {
      deviceType: 'urn:schemas-upnp-org:device:BinaryLight:1',
      udn: EMB,
      services: [
        { serviceType: SP1, serviceId: 'urn:upnp-org:serviceId:SwitchPower.1' },
        { serviceType: SP1, serviceId: 'urn:upnp-org:serviceId:SwitchPower.2' },
        { serviceType: CM2, serviceId: 'urn:upnp-org:serviceId:ConnectionManager' },
      ],
      devices: [{ deviceType: 'urn:example-com:device:Sensor:1', udn: DEEP }],
    },
  ],
};

/** k counted independently: distinct service type strings per device, summed over the tree. */
function countDevicesAndK(root: DeviceModel): { d: number; k: number } {
  let d = -1;
  let k = 0;
  const visit = (device: DeviceModel): void => {
    d++;
    k += new Set((device.services ?? []).map((s) => s.serviceType)).size;
    (device.devices ?? []).forEach(visit);
  };
  visit(root);
  return { d, k };
}

function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof SsdpError ? error.code : 'not an SsdpError';
  }
  return undefined;
}

describe('advertisementSet', () => {
  it('lists root (3), embedded devices (2 each) and one entry per distinct service type per device', () => {
    expect(advertisementSet(light)).toEqual([
      { nt: 'upnp:rootdevice', usn: `${ROOT}::upnp:rootdevice` },
      { nt: ROOT, usn: ROOT },
      {
        nt: 'urn:schemas-upnp-org:device:DimmableLight:2',
        usn: `${ROOT}::urn:schemas-upnp-org:device:DimmableLight:2`,
      },
      { nt: SP1, usn: `${ROOT}::${SP1}` },
      { nt: DIM1, usn: `${ROOT}::${DIM1}` },
      { nt: EMB, usn: EMB },
      { nt: 'urn:schemas-upnp-org:device:BinaryLight:1', usn: `${EMB}::urn:schemas-upnp-org:device:BinaryLight:1` },
      { nt: SP1, usn: `${EMB}::${SP1}` }, // two SwitchPower services in one device: one message
      { nt: CM2, usn: `${EMB}::${CM2}` },
      { nt: DEEP, usn: DEEP },
      { nt: 'urn:example-com:device:Sensor:1', usn: `${DEEP}::urn:example-com:device:Sensor:1` },
    ]);
    // d = 2, k = 2 (root) + 2 (embedded: SwitchPower once, ConnectionManager) = 4 -> 3 + 4 + 4 = 11
    expect(advertisementSet(light)).toHaveLength(3 + 2 * 2 + 4);
  });

  it('gives 5 messages for a MediaRenderer with AVTransport and RenderingControl (3 + 0 + 2)', () => {
    const renderer: DeviceModel = {
      deviceType: 'urn:schemas-upnp-org:device:MediaRenderer:1',
      udn: ROOT,
      services: [
        { serviceType: 'urn:schemas-upnp-org:service:AVTransport:1', serviceId: 'urn:upnp-org:serviceId:AVTransport' },
        {
          serviceType: 'urn:schemas-upnp-org:service:RenderingControl:1',
          serviceId: 'urn:upnp-org:serviceId:RenderingControl',
        },
      ],
    };
    expect(advertisementSet(renderer)).toHaveLength(5);
  });

  it('has 3 + 2d + k entries, unique USNs and valid NT/USN values for every generated tree', () => {
    fc.assert(
      fc.property(arbDeviceTree(), (root) => {
        const set = advertisementSet(root);
        const { d, k } = countDevicesAndK(root);
        expect(set).toHaveLength(3 + 2 * d + k);
        expect(new Set(set.map((a) => a.usn)).size).toBe(set.length);
        for (const { nt, usn } of set) {
          expect(parseSearchTarget(nt).ok).toBe(true);
          const parsed = parseUsn(usn);
          expect(parsed.ok).toBe(true);
          // The USN's suffix is the NT unless the NT is the device's uuid itself.
          expect(usn === nt || usn.endsWith(`::${nt}`)).toBe(true);
        }
        expect(searchResponses(root, 'ssdp:all')).toEqual(set.map(({ nt, usn }) => ({ st: nt, usn })));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects trees it cannot advertise', () => {
    const duplicate: DeviceModel = {
      ...light,
      devices: [{ deviceType: 'urn:schemas-upnp-org:device:Basic:1', udn: ROOT.toUpperCase() }],
    };
    expect(thrownCode(() => advertisementSet(duplicate))).toBe('SSDP_ERR_INVALID_DEVICE');
    expect(thrownCode(() => advertisementSet({ ...light, udn: '1' }))).toBe('SSDP_ERR_INVALID_DEVICE');
    expect(thrownCode(() => advertisementSet({ ...light, deviceType: 'urn:schemas-upnp-org:service:X:1' }))).toBe(
      'SSDP_ERR_INVALID_DEVICE',
    );
    expect(
      thrownCode(() => advertisementSet({ ...light, services: [{ serviceType: 'notify', serviceId: 'x' }] })),
    ).toBe('SSDP_ERR_INVALID_DEVICE');
  });
});

describe('searchResponses', () => {
  it('answers ssdp:all with the whole set and upnp:rootdevice once', () => {
    expect(searchResponses(light, 'ssdp:all')).toHaveLength(11);
    expect(searchResponses(light, { type: 'root-device' })).toEqual([
      { st: 'upnp:rootdevice', usn: `${ROOT}::upnp:rootdevice` },
    ]);
  });

  it('answers uuid:X for the root or an embedded device (UUIDs compared case-insensitively)', () => {
    expect(searchResponses(light, EMB)).toEqual([{ st: EMB, usn: EMB }]);
    expect(searchResponses(light, ROOT.toUpperCase().replace('UUID:', 'uuid:'))).toEqual([
      { st: ROOT.toUpperCase().replace('UUID:', 'uuid:'), usn: ROOT },
    ]);
    expect(searchResponses(light, 'uuid:ffffffff-0000-4000-8000-000000000009')).toEqual([]);
  });

  it('matches a device type on domain and type with version ≥ requested, echoing the requested version', () => {
    expect(searchResponses(light, 'urn:schemas-upnp-org:device:DimmableLight:1')).toEqual([
      {
        st: 'urn:schemas-upnp-org:device:DimmableLight:1',
        usn: `${ROOT}::urn:schemas-upnp-org:device:DimmableLight:1`,
      },
    ]);
    expect(searchResponses(light, 'urn:schemas-upnp-org:device:DimmableLight:2')).toHaveLength(1);
    expect(searchResponses(light, 'urn:schemas-upnp-org:device:DimmableLight:3')).toEqual([]);
    expect(searchResponses(light, 'urn:example-org:device:DimmableLight:1')).toEqual([]);
    expect(searchResponses(light, 'urn:schemas-upnp-org:device:BinaryLight:1')).toEqual([
      { st: 'urn:schemas-upnp-org:device:BinaryLight:1', usn: `${EMB}::urn:schemas-upnp-org:device:BinaryLight:1` },
    ]);
    expect(searchResponses(light, 'urn:example-com:device:Sensor:1')).toHaveLength(1);
  });

  it('matches a service type once per device that has it, with version ≥ requested', () => {
    expect(searchResponses(light, SP1)).toEqual([
      { st: SP1, usn: `${ROOT}::${SP1}` },
      { st: SP1, usn: `${EMB}::${SP1}` },
    ]);
    expect(searchResponses(light, 'urn:schemas-upnp-org:service:ConnectionManager:1')).toEqual([
      {
        st: 'urn:schemas-upnp-org:service:ConnectionManager:1',
        usn: `${EMB}::urn:schemas-upnp-org:service:ConnectionManager:1`,
      },
    ]);
    expect(searchResponses(light, 'urn:schemas-upnp-org:service:Dimming:2')).toEqual([]);
    expect(searchResponses(light, 'urn:schemas-upnp-org:device:SwitchPower:1')).toEqual([]); // a service type is no device type
  });

  it('matches nothing for an ST that does not parse (the prototype sends ST: null)', () => {
    expect(searchResponses(light, 'null')).toEqual([]);
    expect(searchResponses(light, '')).toEqual([]);
  });

  it('answers every advertised NT, and any lower version of it, for generated trees', () => {
    fc.assert(
      fc.property(arbDeviceTree(), (root) => {
        for (const { nt, usn } of advertisementSet(root)) {
          expect(searchResponses(root, nt)).toContainEqual({ st: nt, usn });
          const target = parseSearchTarget(nt);
          if (
            target.ok &&
            (target.value.type === 'device' || target.value.type === 'service') &&
            target.value.version > 1
          ) {
            const lower = nt.replace(/:\d+$/, ':1');
            expect(searchResponses(root, lower)).toContainEqual({ st: lower, usn: usn.replace(/:\d+$/, ':1') });
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
