// The device a library user or script sees: plain data, JSON-ready. The CLI's --json lines carry exactly these
// fields, so `JSON.stringify(device)` and the CLI agree.
import type { DeviceFields, DeviceSnapshot } from './events.ts';

/** A device as a library user sees it: absent values `null`, times ISO 8601. */
export type DiscoveredDevice = DeviceFields<null, string>;

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
