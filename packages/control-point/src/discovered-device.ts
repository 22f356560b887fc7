// The device a library user or script sees: plain data, JSON-ready. The CLI's --json lines carry exactly these
// fields, so `JSON.stringify(device)` and the CLI agree.
import type { DescribeFailureReason, DescribeState, DeviceSnapshot } from './events.ts';

export interface DiscoveredDevice {
  /** `uuid:…` (a legacy device without a valid USN: `<USN>@<address>`). */
  readonly udn: string;
  /** Source address of the latest datagram (IPv6 link-local with `%zone`). */
  readonly address: string;
  /** The interface it was heard on (`lo/IPv4`). */
  readonly interfaceId: string;
  /** The first LOCATION seen. */
  readonly location: string | null;
  /** Every LOCATION seen (one device on two interfaces or ports has two). */
  readonly locations: readonly string[];
  readonly server: string | null;
  /** Every USN seen: root, device type, services and embedded devices. */
  readonly usns: readonly string[];
  /** From the description once described, else from its device-type USN. */
  readonly deviceType: string | null;
  readonly friendlyName: string | null;
  readonly manufacturer: string | null;
  readonly modelName: string | null;
  readonly bootId: number | null;
  readonly configId: number | null;
  /** ISO 8601 times. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly expiresAt: string;
  /** pending | described | failed | skipped (describe off). */
  readonly describe: DescribeState;
  readonly describeError: DescribeFailureReason | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function toDiscoveredDevice(device: DeviceSnapshot): DiscoveredDevice {
  return {
    udn: device.udn,
    address: device.address,
    interfaceId: device.interfaceId,
    location: device.location ?? null,
    locations: device.locations,
    server: device.server ?? null,
    usns: device.usns,
    deviceType: device.deviceType ?? null,
    friendlyName: device.friendlyName ?? null,
    manufacturer: device.manufacturer ?? null,
    modelName: device.modelName ?? null,
    bootId: device.bootId ?? null,
    configId: device.configId ?? null,
    firstSeen: iso(device.firstSeen),
    lastSeen: iso(device.lastSeen),
    expiresAt: iso(device.expiresAt),
    describe: device.describe,
    describeError: device.describeError ?? null,
  };
}
