// On-demand reads of a known device through the control point's safe fetcher: its description again (the
// registry keeps only a few fields of it) and small resources such as icons. Every rule of description fetches
// holds: http only, the device's own host (unless allowForeignLocation), one deadline, a size cap.
import { parseDeviceDescription, type DescribedDevice, type DeviceDescription } from '@ssdp/protocol';
import type { DescriptionFetcher } from './description-fetcher.ts';
import type { DescribeFailureReason, DeviceSnapshot } from './events.ts';

/** Why a lookup failed: a describe failure, or no announced device has that UDN (or it has no LOCATION). */
export type LookupFailureReason = DescribeFailureReason | 'unknown-device';

export interface LookupFailure {
  readonly ok: false;
  readonly reason: LookupFailureReason;
  readonly detail: string;
  /** The protocol error code for invalid-description. */
  readonly code?: string;
}

export type DescriptionLookup =
  | {
      readonly ok: true;
      /** Where the document was read (after same-host redirects): the base of its relative URLs. */
      readonly url: string;
      readonly description: DeviceDescription;
      /** The device of the document that the UDN names (the root, or an embedded device). */
      readonly device: DescribedDevice;
    }
  | LookupFailure;

export type ResourceLookup = { readonly ok: true; readonly url: string; readonly body: Uint8Array } | LookupFailure;

export interface FetchFromDeviceOptions {
  /** Largest body accepted. Default 65,536; never more than the description cap (256 KiB). */
  readonly maxBytes?: number;
  /** Accept header. Default `*\/*`. */
  readonly accept?: string;
  readonly signal?: AbortSignal;
}

export const DEFAULT_RESOURCE_MAX_BYTES = 65_536;

function unknown(udn: string): LookupFailure {
  return {
    ok: false,
    reason: 'unknown-device',
    detail: `no announced device ${JSON.stringify(udn.slice(0, 200))} with a LOCATION`,
  };
}

function stripUuid(udn: string): string {
  return (udn.toLowerCase().startsWith('uuid:') ? udn.slice(5) : udn).toLowerCase();
}

function findDevice(device: DescribedDevice, uuid: string): DescribedDevice | undefined {
  if (stripUuid(device.udn) === uuid) return device;
  for (const child of device.devices) {
    const found = findDevice(child, uuid);
    if (found !== undefined) return found;
  }
  return undefined;
}

export async function lookUpDescription(
  fetcher: DescriptionFetcher,
  device: DeviceSnapshot | undefined,
  udn: string,
  signal?: AbortSignal,
): Promise<DescriptionLookup> {
  if (device === undefined || device.location === undefined) return unknown(udn);
  const outcome = await fetcher.fetch({ location: device.location, source: device.address }, signal);
  if (!outcome.ok) return outcome;
  const parsed = parseDeviceDescription(outcome.body);
  if (!parsed.ok)
    return { ok: false, reason: 'invalid-description', detail: parsed.error.message, code: parsed.error.code };
  const root = parsed.description.device;
  const named = device.udn.toLowerCase().startsWith('uuid:') ? findDevice(root, stripUuid(device.udn)) : root;
  if (named === undefined) {
    return {
      ok: false,
      reason: 'udn-mismatch',
      detail: `the description at LOCATION is for ${root.udn}, not ${device.udn}`,
    };
  }
  return { ok: true, url: outcome.url, description: parsed.description, device: named };
}

export async function lookUpResource(
  fetcher: DescriptionFetcher,
  device: DeviceSnapshot | undefined,
  udn: string,
  url: string,
  options: FetchFromDeviceOptions,
): Promise<ResourceLookup> {
  if (device === undefined) return unknown(udn);
  const maxBytes = options.maxBytes ?? DEFAULT_RESOURCE_MAX_BYTES;
  const outcome = await fetcher.fetch(
    { location: url, source: device.address, maxBytes, accept: options.accept ?? '*/*' },
    options.signal,
  );
  return outcome.ok ? { ok: true, url: outcome.url, body: outcome.body } : outcome;
}
