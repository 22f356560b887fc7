import { SsdpError } from './errors.ts';
import { formatSearchTarget, readSearchTarget, type SearchTarget, type TypeTarget } from './search-target.ts';

/** A service in the device model (UDA §2 serviceList): only what discovery needs. */
export interface ServiceModel {
  /** Full URN, e.g. `urn:schemas-upnp-org:service:SwitchPower:1`. */
  readonly serviceType: string;
  /** e.g. `urn:upnp-org:serviceId:SwitchPower`. */
  readonly serviceId: string;
}

/** A device in the device model: the root device or an embedded one. */
export interface DeviceModel {
  /** Full URN, e.g. `urn:schemas-upnp-org:device:BinaryLight:1`. */
  readonly deviceType: string;
  /** Unique Device Name with its prefix: `uuid:…`. Unique within the whole tree. */
  readonly udn: string;
  readonly services?: readonly ServiceModel[];
  /** Embedded devices, recursively. */
  readonly devices?: readonly DeviceModel[];
}

/** A root device and everything embedded in it. A parsed description's `device` is one. */
export type RootDevice = DeviceModel;

/** One NOTIFY's worth of identity: its NT and USN. */
export interface Advertisement {
  readonly nt: string;
  readonly usn: string;
}

/** One search response's worth of identity: the ST to echo and the USN. */
export interface SearchMatch {
  readonly st: string;
  readonly usn: string;
}

interface CheckedDevice {
  readonly device: DeviceModel;
  readonly uuid: string;
  readonly type: TypeTarget;
  /** Distinct service types of this device, in first-seen order. */
  readonly serviceTypes: readonly { readonly text: string; readonly type: TypeTarget }[];
  readonly isRoot: boolean;
}

function invalid(message: string): SsdpError {
  return new SsdpError('SSDP_ERR_INVALID_DEVICE', message);
}

/** Validates the tree and flattens it depth-first, root first (iteratively: no recursion limit). */
function flatten(root: RootDevice): CheckedDevice[] {
  const out: CheckedDevice[] = [];
  const seen = new Set<string>();
  const stack: { device: DeviceModel; isRoot: boolean }[] = [{ device: root, isRoot: true }];
  while (stack.length > 0) {
    const { device, isRoot } = stack.pop()!;
    const udn = readSearchTarget(device.udn);
    if (udn?.type !== 'uuid' || device.udn !== device.udn.trim()) {
      throw invalid(`UDN must be uuid:<device-UUID>: ${JSON.stringify(device.udn)}`);
    }
    const key = udn.uuid.toLowerCase();
    if (seen.has(key)) throw invalid(`UDN used twice in one tree: ${device.udn}`);
    seen.add(key);
    const type = readSearchTarget(device.deviceType);
    if (type?.type !== 'device' || device.deviceType !== device.deviceType.trim()) {
      throw invalid(`deviceType must be urn:domain:device:type:v: ${JSON.stringify(device.deviceType)}`);
    }
    const serviceTypes: { text: string; type: TypeTarget }[] = [];
    for (const service of device.services ?? []) {
      const serviceType = readSearchTarget(service.serviceType);
      if (serviceType?.type !== 'service' || service.serviceType !== service.serviceType.trim()) {
        throw invalid(`serviceType must be urn:domain:service:type:v: ${JSON.stringify(service.serviceType)}`);
      }
      if (!serviceTypes.some((s) => s.text === service.serviceType)) {
        serviceTypes.push({ text: service.serviceType, type: serviceType as TypeTarget });
      }
    }
    out.push({ device, uuid: udn.uuid, type: type as TypeTarget, serviceTypes, isRoot });
    const children = device.devices ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ device: children[i]!, isRoot: false });
  }
  return out;
}

/**
 * The advertisement set of a root device (UDA §1.2.2): every NT/USN pair it announces with NOTIFY, and answers
 * to `ssdp:all`:
 * - the root device: `upnp:rootdevice`, `uuid:<UDN>` and its device type (3);
 * - each embedded device: `uuid:<UDN>` and its device type (2 each, `d` devices);
 * - each device, root or embedded: one per **distinct service type within that device** (`k` in total).
 *
 * `k` counts a service type once per device that has it: two services of one type in one device give one
 * message (`uuid:<that device>::<type>`), the same type in two devices gives two (their USNs differ). Types
 * that differ only in version are distinct. So the set has 3 + 2d + k entries, all with different USNs.
 * Order: root entries, root services, then each embedded device (depth-first) with its services.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_DEVICE` for a malformed UDN/deviceType/serviceType or a UDN that
 *   appears twice in the tree.
 */
export function advertisementSet(root: RootDevice): Advertisement[] {
  const set: Advertisement[] = [];
  for (const entry of flatten(root)) {
    const { udn, deviceType } = entry.device;
    if (entry.isRoot) set.push({ nt: 'upnp:rootdevice', usn: `${udn}::upnp:rootdevice` });
    set.push({ nt: udn, usn: udn });
    set.push({ nt: deviceType, usn: `${udn}::${deviceType}` });
    for (const serviceType of entry.serviceTypes) {
      set.push({ nt: serviceType.text, usn: `${udn}::${serviceType.text}` });
    }
  }
  return set;
}

function typeMatches(offered: TypeTarget, wanted: TypeTarget): boolean {
  // URN NIDs are case-insensitive; the domain and type name are compared exactly, as UDA's examples do.
  return offered.domain === wanted.domain && offered.name === wanted.name && offered.version >= wanted.version;
}

/**
 * The search responses a root device sends for one ST (UDA §1.3.2/§1.3.3):
 * - `ssdp:all`: the whole {@link advertisementSet}, each with ST = its NT;
 * - `upnp:rootdevice`: one response from the root device;
 * - `uuid:X`: one response when X is the UDN of the root or an embedded device (UUIDs compared
 *   case-insensitively);
 * - a device or service type: one response per device that has that domain and type with **version ≥ the
 *   requested one**. ST and the USN suffix echo the **requested** version (UDA: "the response MUST specify the
 *   same version as was contained in the search request"), as GSSDP and miniupnpd do.
 * An ST that does not parse (including the prototype's `null`) matches nothing.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_DEVICE` as {@link advertisementSet}.
 */
export function searchResponses(root: RootDevice, st: SearchTarget | string): SearchMatch[] {
  const devices = flatten(root);
  const target = typeof st === 'string' ? readSearchTarget(st.trim()) : st;
  if (target === undefined) return [];
  switch (target.type) {
    case 'all':
      return advertisementSet(root).map(({ nt, usn }) => ({ st: nt, usn }));
    case 'root-device':
      return [{ st: 'upnp:rootdevice', usn: `${root.udn}::upnp:rootdevice` }];
    case 'uuid': {
      const wanted = target.uuid.toLowerCase();
      const device = devices.find((d) => d.uuid.toLowerCase() === wanted);
      return device ? [{ st: formatSearchTarget(target), usn: device.device.udn }] : [];
    }
    case 'device':
    case 'service': {
      const text = formatSearchTarget(target);
      const matches: SearchMatch[] = [];
      for (const device of devices) {
        const offered = target.type === 'device' ? [device.type] : device.serviceTypes.map((s) => s.type);
        if (offered.some((type) => typeMatches(type, target))) {
          matches.push({ st: text, usn: `${device.device.udn}::${text}` });
        }
      }
      return matches;
    }
    default:
      return [];
  }
}
