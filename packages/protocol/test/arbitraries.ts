// fast-check arbitraries shared by the property suites.
import fc from 'fast-check';
import type { DeviceModel, SearchTarget, SsdpHeader, Usn, UsnTarget } from '../src/index.ts';

/** A URN part: what UDA type names and domains look like, dots included (formatting turns them into '-'). */
export const arbUrnPart = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/);

/** A device UUID: real UUIDs mostly, plus the odd vendor string. */
export const arbUuid = fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,30}$/));

export const arbTypeTarget = fc.record({
  type: fc.constantFrom('device' as const, 'service' as const),
  domain: arbUrnPart,
  name: arbUrnPart.filter((s) => !s.includes('.')),
  version: fc.integer({ min: 1, max: 99 }),
});

export const arbSearchTarget: fc.Arbitrary<SearchTarget> = fc.oneof(
  fc.constant({ type: 'all' as const }),
  fc.constant({ type: 'root-device' as const }),
  arbUuid.map((uuid) => ({ type: 'uuid' as const, uuid })),
  arbTypeTarget,
);

export const arbUsnTarget: fc.Arbitrary<UsnTarget> = fc.oneof(
  fc.constant({ type: 'root-device' as const }),
  arbTypeTarget,
);

export const arbUsn: fc.Arbitrary<Usn> = fc.record({
  uuid: arbUuid,
  target: fc.option(arbUsnTarget, { nil: undefined }),
});

/** Printable header values as senders write them: no CR/LF, no surrounding blanks (those are trimmed). */
export const arbHeaderValue = fc
  .oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }))
  .map((s) => s.replace(/[\r\n]/g, ' ').replace(/^[ \t]+|[ \t]+$/g, ''));

/** Extension headers: token names that are not one of the known SSDP headers. */
export const arbExtensionHeader: fc.Arbitrary<SsdpHeader> = fc.record({
  name: fc.stringMatching(/^(X-|OPT|01-NLS|[a-z]+\.example\.com)[A-Za-z0-9-]{0,8}$/),
  value: arbHeaderValue,
});

/** A device tree with unique UDNs: depth ≤ 3, a few services each (types may repeat within a device). */
export function arbDeviceTree(): fc.Arbitrary<DeviceModel> {
  const serviceType = fc
    .record({
      name: fc.constantFrom('SwitchPower', 'Dimming', 'ConnectionManager', 'Clock'),
      version: fc.integer({ min: 1, max: 3 }),
    })
    .map(({ name, version }) => `urn:schemas-upnp-org:service:${name}:${version}`);
  const service = serviceType.map((type) => ({
    serviceType: type,
    serviceId: `urn:upnp-org:serviceId:${type.split(':')[3]}`,
  }));
  const deviceType = fc
    .record({
      name: fc.constantFrom('BinaryLight', 'DimmableLight', 'MediaServer', 'Basic'),
      version: fc.integer({ min: 1, max: 3 }),
    })
    .map(({ name, version }) => `urn:schemas-upnp-org:device:${name}:${version}`);
  type Shape = { deviceType: string; services: { serviceType: string; serviceId: string }[]; devices: Shape[] };
  const shapeOfDepth = (depth: number): fc.Arbitrary<Shape> =>
    fc.record({
      deviceType,
      services: fc.array(service, { maxLength: 4 }),
      devices: depth === 0 ? fc.constant([]) : fc.array(shapeOfDepth(depth - 1), { maxLength: 3 }),
    });
  const shape = shapeOfDepth(3);
  // Unique UDNs: number the nodes in pre-order.
  return fc.tuple(shape, fc.uuid()).map(([tree, seed]) => {
    let counter = 0;
    const assign = (node: Shape): DeviceModel => ({
      deviceType: node.deviceType,
      udn: `uuid:${seed.slice(0, 24)}${(counter++).toString(16).padStart(12, '0')}`,
      services: node.services,
      devices: node.devices.map(assign),
    });
    return assign(tree);
  });
}
