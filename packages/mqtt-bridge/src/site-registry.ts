// The view's registry: every site's devices as the broker's retained messages describe them, keyed by site and
// UDN, with the change list of an update and the resync that drops what the broker no longer holds.
import type { DiscoveredDevice } from '@ssdp/control-point';

/** A device as a site published it: the CLI's --json device object plus the site. */
export type SiteDevice = DiscoveredDevice & { readonly site: string };

export type SiteChange =
  | { readonly kind: 'added'; readonly device: SiteDevice }
  | { readonly kind: 'updated'; readonly device: SiteDevice; readonly changes: readonly string[] }
  | { readonly kind: 'removed'; readonly device: SiteDevice }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'full' };

const keyOf = (site: string, udn: string): string => `${site}\u0000${udn}`;

/** The parsed payload of PREFIX/SITE/devices/UDN, or a reason it is not a device of that topic. */
export function parseDevicePayload(site: string, udn: string, payload: Buffer): SiteDevice | string {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const device = value as Record<string, unknown>;
  if (device['udn'] !== udn) return `its udn ${JSON.stringify(device['udn'])} is not the topic's`;
  if (!Array.isArray(device['usns']) || !Array.isArray(device['locations']))
    return 'not a device object (usns, locations)';
  // The topic names the site: a payload cannot claim another one.
  return { ...(device as unknown as DiscoveredDevice), site };
}

export class SiteRegistry {
  readonly #devices = new Map<string, SiteDevice>();
  readonly #maxDevices: number;
  /** Keys confirmed by a message since the latest resync began; undefined when no resync runs. */
  #confirmed: Set<string> | undefined;

  constructor(maxDevices: number) {
    this.#maxDevices = maxDevices;
  }

  get size(): number {
    return this.#devices.size;
  }

  devices(): SiteDevice[] {
    return [...this.#devices.values()];
  }

  set(device: SiteDevice): SiteChange {
    const key = keyOf(device.site, device.udn);
    this.#confirmed?.add(key);
    const previous = this.#devices.get(key);
    if (previous === undefined) {
      if (this.#devices.size >= this.#maxDevices) return { kind: 'full' };
      this.#devices.set(key, device);
      return { kind: 'added', device };
    }
    const before: Record<string, unknown> = { ...previous };
    const after: Record<string, unknown> = { ...device };
    const changes = Object.keys({ ...before, ...after }).filter(
      (field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]),
    );
    if (changes.length === 0) return { kind: 'unchanged' };
    this.#devices.set(key, device);
    return { kind: 'updated', device, changes };
  }

  delete(site: string, udn: string): SiteDevice | undefined {
    const key = keyOf(site, udn);
    const device = this.#devices.get(key);
    if (device !== undefined) this.#devices.delete(key);
    return device;
  }

  /** Starts a resync: every device must be confirmed by a message before endResync(). */
  beginResync(): void {
    this.#confirmed = new Set();
  }

  /** Drops and returns the devices no message confirmed since beginResync(). */
  endResync(): SiteDevice[] {
    const confirmed = this.#confirmed;
    this.#confirmed = undefined;
    if (confirmed === undefined) return [];
    const gone: SiteDevice[] = [];
    for (const [key, device] of this.#devices) {
      if (confirmed.has(key)) continue;
      this.#devices.delete(key);
      gone.push(device);
    }
    return gone;
  }
}
