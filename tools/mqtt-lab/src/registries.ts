// The registries the lab compares, rebuilt from NDJSON: a controller's own (its --json device events) and what a
// --from-mqtt view shows (site-tagged device events, site statuses).
import type { JsonEvent } from '@ssdp/e2e/src/ndjson.ts';

/** The fields of a DiscoveredDevice: what the bridge publishes (plus site). */
export const DEVICE_FIELDS = [
  'udn',
  'address',
  'interfaceId',
  'location',
  'locations',
  'server',
  'usns',
  'deviceType',
  'friendlyName',
  'manufacturer',
  'modelName',
  'bootId',
  'configId',
  'firstSeen',
  'lastSeen',
  'expiresAt',
  'describe',
  'describeError',
] as const;

export type DeviceRecord = Record<string, unknown>;

export function deviceOf(event: JsonEvent, site?: string): DeviceRecord {
  const device: DeviceRecord = {};
  for (const field of DEVICE_FIELDS) device[field] = event[field];
  if (site !== undefined) device['site'] = site;
  return device;
}

const UPSERT = new Set(['device-added', 'device-updated', 'device-rebooted', 'describe-failed']);

/** A controller's registry from its --json events, keyed `site udn`, each device tagged with `site`. */
export function controllerRegistry(events: readonly JsonEvent[], site: string): Map<string, DeviceRecord> {
  const registry = new Map<string, DeviceRecord>();
  for (const event of events) {
    const key = `${site} ${String(event['udn'])}`;
    if (UPSERT.has(event.event)) registry.set(key, deviceOf(event, site));
    else if (event.event === 'device-removed') registry.delete(key);
  }
  return registry;
}

/** What a --from-mqtt --json view shows: devices keyed `site udn`, and each site's latest status. */
export function viewState(events: readonly JsonEvent[]): {
  devices: Map<string, DeviceRecord>;
  sites: Map<string, string>;
} {
  const devices = new Map<string, DeviceRecord>();
  const sites = new Map<string, string>();
  for (const event of events) {
    if (event.event === 'site-status') sites.set(String(event['site']), String(event['status']));
    const key = `${String(event['site'])} ${String(event['udn'])}`;
    if (event.event === 'device-added' || event.event === 'device-updated')
      devices.set(key, deviceOf(event, String(event['site'])));
    else if (event.event === 'device-removed') devices.delete(key);
  }
  return { devices, sites };
}

/** Differences between two registries, one line each (empty when equal). */
export function registryDiff(
  expected: ReadonlyMap<string, DeviceRecord>,
  actual: ReadonlyMap<string, DeviceRecord>,
): string[] {
  const lines: string[] = [];
  for (const [key, device] of expected) {
    const other = actual.get(key);
    if (other === undefined) lines.push(`gap: ${key} (${String(device['friendlyName'])}) is missing`);
    else if (JSON.stringify(other) !== JSON.stringify(device))
      lines.push(`stale: ${key}: ${JSON.stringify(other)} != ${JSON.stringify(device)}`);
  }
  for (const [key, device] of actual)
    if (!expected.has(key)) lines.push(`ghost: ${key} (${String(device['friendlyName'])})`);
  return lines;
}
