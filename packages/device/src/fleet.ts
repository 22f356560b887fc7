// The N devices of one process (`--count`): each with its own UDN, friendly name, description document and
// CONFIGID, all derived deterministically from one base UUID so every member keeps its identity across restarts.
import { createHash } from 'node:crypto';
import {
  MAX_ASSIGNABLE_CONFIGID,
  advertisementSet,
  buildDeviceDescription,
  type Advertisement,
  type DescribedDevice,
  type DescribedService,
  type DeviceDescription,
} from '@ssdp/protocol';
import { DEFAULT_DEVICE_TYPE, type DeviceConfig } from './device-config.ts';
import { nameUuid } from './uuid.ts';

/** What a device is called when the config leaves a field out. */
export interface DeviceDefaults {
  readonly friendlyName: string;
  readonly manufacturer: string;
  readonly manufacturerURL?: string;
  readonly modelName: string;
  readonly modelNumber: string;
  readonly modelDescription?: string;
}

export interface FleetInit {
  readonly config: DeviceConfig;
  readonly count: number;
  /** UUID of member 0's root device; the others derive theirs from it. */
  readonly baseUuid: string;
  readonly defaults: DeviceDefaults;
}

export interface FleetMember {
  /** 0-based position in the fleet. */
  readonly index: number;
  /** Root device UUID, without `uuid:`. */
  readonly uuid: string;
  /** `uuid:<uuid>`. */
  readonly udn: string;
  readonly friendlyName: string;
  /** HTTP path of the description document. */
  readonly path: string;
  readonly description: DeviceDescription;
  readonly xml: string;
  /** CONFIGID.UPNP.ORG: derived from the description, so it changes exactly when the description does. */
  readonly configId: number;
  /** The advertisement set (3 + 2d + k), root entries first. */
  readonly advertisements: readonly Advertisement[];
  /** Lower-case UUIDs of every device in the tree, for the uuid: search fast path. */
  readonly uuids: readonly string[];
}

export interface Fleet {
  readonly members: readonly FleetMember[];
  /** Extra documents (SCPDs) by path. */
  readonly documents: ReadonlyMap<string, string>;
  /** Sum of the advertisement set sizes: what one ssdp:all search costs in responses. */
  readonly advertisementCount: number;
}

/** A minimal valid SCPD (UDA §2.5): this device implements discovery and description, not control. */
export const EMPTY_SCPD =
  '<?xml version="1.0" encoding="utf-8"?>\n<scpd xmlns="urn:schemas-upnp-org:service-1-0">\n' +
  '  <specVersion>\n    <major>2</major>\n    <minor>0</minor>\n  </specVersion>\n  <actionList/>\n' +
  '  <serviceStateTable/>\n</scpd>\n';

export function descriptionPath(uuid: string): string {
  return `/devices/${uuid}/description.xml`;
}

/** CONFIGID from a SHA-256 of the description (without its own configId), in the assignable 24-bit range. */
export function configIdOf(xmlWithoutConfigId: string): number {
  const digest = createHash('sha256').update(xmlWithoutConfigId, 'utf8').digest();
  return digest.readUIntBE(0, 3) % (MAX_ASSIGNABLE_CONFIGID + 1);
}

function memberRootUuid(baseUuid: string, index: number): string {
  return index === 0 ? baseUuid : nameUuid(baseUuid, `ssdp-device/fleet/${index}`);
}

export function buildFleet(init: FleetInit): Fleet {
  const members: FleetMember[] = [];
  const documents = new Map<string, string>();
  let advertisementCount = 0;
  for (let index = 0; index < init.count; index += 1) {
    const uuid = memberRootUuid(init.baseUuid, index);
    const uuids: string[] = [];
    const friendlyName =
      init.count > 1
        ? `${init.config.friendlyName ?? init.defaults.friendlyName} #${index + 1}`
        : (init.config.friendlyName ?? init.defaults.friendlyName);
    const device = describe(init.config, {
      index,
      rootUuid: uuid,
      position: '',
      isRoot: true,
      friendlyName,
      defaults: init.defaults,
      uuids,
      documents,
    });
    const base: DeviceDescription = { specVersion: { major: 2, minor: 0 }, device };
    const configId = configIdOf(buildDeviceDescription(base));
    const description: DeviceDescription = { ...base, configId };
    const xml = buildDeviceDescription(description);
    const advertisements = advertisementSet(device);
    advertisementCount += advertisements.length;
    members.push({
      index,
      uuid,
      udn: `uuid:${uuid}`,
      friendlyName,
      path: descriptionPath(uuid),
      description,
      xml,
      configId,
      advertisements,
      uuids,
    });
  }
  return { members, documents, advertisementCount };
}

interface DescribeContext {
  readonly index: number;
  readonly rootUuid: string;
  /** Position in the tree ("", "0", "0.1"): names embedded devices without a configured UUID. */
  readonly position: string;
  readonly isRoot: boolean;
  readonly friendlyName: string;
  readonly defaults: DeviceDefaults;
  readonly uuids: string[];
  readonly documents: Map<string, string>;
}

function describe(config: DeviceConfig, context: DescribeContext): DescribedDevice {
  let uuid: string;
  if (context.isRoot) uuid = context.rootUuid;
  else if (config.uuid !== undefined)
    uuid = context.index === 0 ? config.uuid : nameUuid(config.uuid, `ssdp-device/fleet/${context.index}`);
  else uuid = nameUuid(context.rootUuid, `ssdp-device/embedded/${context.position}`);
  context.uuids.push(uuid.toLowerCase());
  const services: DescribedService[] = (config.services ?? []).map((service, j) => {
    const scpdPath = `/devices/${uuid}/services/${j}/scpd.xml`;
    context.documents.set(scpdPath, EMPTY_SCPD);
    return {
      serviceType: service.serviceType,
      serviceId: service.serviceId,
      scpdURL: scpdPath,
      controlURL: `/devices/${uuid}/services/${j}/control`,
      // UDA §2.3: empty when the service has no evented state variables, which is the case here.
      eventSubURL: '',
    };
  });
  const devices = (config.devices ?? []).map((child, i) =>
    describe(child, {
      ...context,
      position: context.position === '' ? String(i) : `${context.position}.${i}`,
      isRoot: false,
      friendlyName: child.friendlyName ?? `${context.friendlyName} (${i + 1})`,
    }),
  );
  const defaults = context.defaults;
  return {
    deviceType: config.deviceType ?? DEFAULT_DEVICE_TYPE,
    friendlyName: context.isRoot ? context.friendlyName : (config.friendlyName ?? context.friendlyName),
    manufacturer: config.manufacturer ?? defaults.manufacturer,
    ...optional('manufacturerURL', config.manufacturerURL ?? defaults.manufacturerURL),
    ...optional('modelDescription', config.modelDescription ?? defaults.modelDescription),
    modelName: config.modelName ?? defaults.modelName,
    ...optional('modelNumber', config.modelNumber ?? defaults.modelNumber),
    ...optional('modelURL', config.modelURL),
    ...optional('serialNumber', config.serialNumber),
    udn: `uuid:${uuid}`,
    ...optional('upc', config.upc),
    ...optional('presentationURL', config.presentationURL),
    icons: config.icons ?? [],
    services,
    devices,
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
