// The details panel's data: the device's description (services, embedded devices), fetched on demand through
// the control point's safe fetcher and cached briefly, and its icon, fetched by the server (never by the browser
// from the device), checked to be a raster image, and served from our origin.
import type { DescribedDevice, DescribedIcon, DescriptionLookup, DiscoveredDevice } from '@ssdp/control-point';
import { sniffImage, type ImageType } from './image-sniff.ts';
import { uuidsOfUsns, type RawMessageStore } from './raw-messages.ts';
import type { WebViewSource } from './source.ts';
import type { DeviceDetails, WireDescribedDevice } from './wire.ts';

const CACHE_ENTRIES = 64;
const CACHE_TTL_MS = 30_000;
/** Largest icon fetched. */
export const ICON_MAX_BYTES = 65_536;
/** Lookups running at once (each is one fetch to a device with the describe deadline). */
const MAX_RUNNING = 4;

export interface IconImage {
  readonly type: ImageType;
  readonly body: Uint8Array;
}

interface Entry {
  readonly at: number;
  readonly value: Promise<{ lookup: DescriptionLookup; icon: IconImage | undefined }>;
}

export class BusyError extends Error {
  override readonly name = 'BusyError';
}

function resolveUrl(value: string, base: string): string {
  try {
    return new URL(value, base).href;
  } catch {
    return value;
  }
}

function wireDevice(device: DescribedDevice, base: string, depth = 0): WireDescribedDevice {
  return {
    udn: device.udn,
    deviceType: device.deviceType,
    friendlyName: device.friendlyName,
    manufacturer: device.manufacturer,
    modelName: device.modelName,
    modelNumber: device.modelNumber ?? null,
    serialNumber: device.serialNumber ?? null,
    presentationURL: device.presentationURL === undefined ? null : resolveUrl(device.presentationURL, base),
    icons: device.icons.length,
    services: device.services.map((s) => ({
      serviceType: s.serviceType,
      serviceId: s.serviceId,
      scpdURL: resolveUrl(s.scpdURL, base),
      controlURL: resolveUrl(s.controlURL, base),
      eventSubURL: resolveUrl(s.eventSubURL, base),
    })),
    // The parser bounds the depth; this keeps the JSON bounded whatever it allows.
    devices: depth >= 16 ? [] : device.devices.map((child) => wireDevice(child, base, depth + 1)),
  };
}

const PREFERRED = ['image/png', 'image/jpeg', 'image/gif'];

/** The icon to show: a common raster type first, then the one nearest 48 px. */
export function pickIcon(icons: readonly DescribedIcon[]): DescribedIcon | undefined {
  const score = (icon: DescribedIcon): number => {
    const typeRank = PREFERRED.indexOf(icon.mimetype.toLowerCase());
    return (typeRank < 0 ? 10 : typeRank) * 10_000 + Math.abs(Math.max(icon.width, icon.height) - 48);
  };
  return [...icons].sort((a, b) => score(a) - score(b))[0];
}

export class DeviceDetailsService {
  readonly #source: WebViewSource;
  readonly #raw: RawMessageStore;
  readonly #rawSeen: () => boolean;
  readonly #cache = new Map<string, Entry>();
  #running = 0;

  constructor(source: WebViewSource, raw: RawMessageStore, rawSeen: () => boolean) {
    this.#source = source;
    this.#raw = raw;
    this.#rawSeen = rawSeen;
  }

  /** Undefined when the device is not (or no longer) known. Throws BusyError when too many lookups run. */
  async details(udn: string): Promise<DeviceDetails | undefined> {
    const device = this.#source.device(udn);
    if (device === undefined) return undefined;
    const raw = this.#raw.latest(uuidsOfUsns(device.udn, device.usns));
    const base = { device, raw, rawMessages: this.#rawSeen() };
    if (device.describe === 'skipped') {
      return {
        ...base,
        description: null,
        descriptionError: { reason: 'describe-off', detail: 'descriptions are off (--no-describe)' },
        icon: false,
      };
    }
    const { lookup, icon } = await this.#described(device);
    if (!lookup.ok)
      return {
        ...base,
        description: null,
        descriptionError: { reason: lookup.reason, detail: lookup.detail },
        icon: false,
      };
    const descriptionBase = lookup.description.urlBase ?? lookup.url;
    return {
      ...base,
      description: {
        url: lookup.url,
        specVersion: `${lookup.description.specVersion.major}.${lookup.description.specVersion.minor}`,
        urlBase: lookup.description.urlBase ?? null,
        device: wireDevice(lookup.device, descriptionBase),
      },
      descriptionError: null,
      icon: icon !== undefined,
    };
  }

  /** The device's icon as fetched for its details (undefined when it has none usable). */
  async icon(udn: string): Promise<IconImage | undefined> {
    const device = this.#source.device(udn);
    if (device === undefined || device.describe === 'skipped') return undefined;
    return (await this.#described(device)).icon;
  }

  #described(device: DiscoveredDevice): Promise<{ lookup: DescriptionLookup; icon: IconImage | undefined }> {
    const key = `${device.udn.toLowerCase()} ${device.location ?? ''} ${device.bootId ?? ''} ${device.configId ?? ''}`;
    const now = Date.now();
    const cached = this.#cache.get(key);
    if (cached !== undefined && now - cached.at < CACHE_TTL_MS) return cached.value;
    if (this.#running >= MAX_RUNNING) throw new BusyError('too many device lookups at once');
    this.#running += 1;
    const value = this.#lookUp(device).finally(() => {
      this.#running -= 1;
    });
    this.#cache.delete(key);
    this.#cache.set(key, { at: now, value });
    while (this.#cache.size > CACHE_ENTRIES) this.#cache.delete(this.#cache.keys().next().value!);
    return value;
  }

  async #lookUp(device: DiscoveredDevice): Promise<{ lookup: DescriptionLookup; icon: IconImage | undefined }> {
    const lookup = await this.#source.fetchDescription(device.udn);
    if (!lookup.ok) return { lookup, icon: undefined };
    const chosen = pickIcon(lookup.device.icons);
    if (chosen === undefined) return { lookup, icon: undefined };
    const url = resolveUrl(chosen.url, lookup.description.urlBase ?? lookup.url);
    const fetched = await this.#source.fetchFromDevice(device.udn, url, {
      maxBytes: ICON_MAX_BYTES,
      accept: 'image/png, image/jpeg, image/gif, image/webp;q=0.9, image/bmp;q=0.5',
    });
    if (!fetched.ok) return { lookup, icon: undefined };
    const type = sniffImage(fetched.body);
    return { lookup, icon: type === undefined ? undefined : { type, body: fetched.body } };
  }
}
