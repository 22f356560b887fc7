import { SsdpError, valueError, valueOk, type ValueResult } from './errors.ts';
import { equalsLowerAt } from './ascii.ts';
import {
  formatSearchTarget,
  isUuidBody,
  readSearchTarget,
  readUsualUsn,
  type DeviceTypeTarget,
  type RootDeviceTarget,
  type ServiceTypeTarget,
  type TypeTarget,
} from './search-target.ts';

/** What a USN names after its `::`: the root device marker, a device type or a service type. */
export type UsnTarget = RootDeviceTarget | DeviceTypeTarget | ServiceTypeTarget | TypeTarget;

/**
 * Unique Service Name (UDA §1.2.2, tables 1-1..1-3): `uuid:X`, `uuid:X::upnp:rootdevice`,
 * `uuid:X::urn:domain:device:type:v` or `uuid:X::urn:domain:service:type:v`.
 * `uuid` is the part after `uuid:` (the device's UDN without its prefix); `target` is undefined for the bare form.
 */
export interface Usn {
  readonly uuid: string;
  readonly target: UsnTarget | undefined;
}

/** @internal Reads `text[start, end)` as a USN; undefined when it is not one. */
export function readUsn(text: string, start = 0, end = text.length): Usn | undefined {
  const usual = readUsualUsn(text, start, end);
  // Anything else (a quoted target, or a match running past `end`) takes the general path.
  return usual === null ? readUsnGeneral(text, start, end) : usual;
}

function usnWithTarget(text: string, uuid: string, targetStart: number, end: number): Usn | undefined {
  const target = readSearchTarget(text, targetStart, end);
  if (target === undefined || target.type === 'all' || target.type === 'uuid') return undefined;
  return { uuid, target };
}

function readUsnGeneral(text: string, start: number, end: number): Usn | undefined {
  // The first "::" separates the device from the target (so the device part holds none).
  let separator = text.indexOf('::', start);
  if (separator + 2 > end) separator = -1;
  const uuidEnd = separator < 0 ? end : separator;
  // The device part is exactly what readSearchTarget accepts as uuid:X, checked in place to skip an allocation.
  if (uuidEnd - start <= 5 || !equalsLowerAt(text, start, 'uuid:') || !isUuidBody(text, start + 5, uuidEnd))
    return undefined;
  const uuid = text.slice(start + 5, uuidEnd);
  if (separator < 0) return { uuid, target: undefined };
  return usnWithTarget(text, uuid, separator + 2, end);
}

/** Parses a USN header value (prefixes case-insensitive). */
export function parseUsn(raw: string): ValueResult<Usn> {
  const usn = readUsn(raw.trim());
  return usn ? valueOk(usn) : valueError('SSDP_ERR_INVALID_USN', `not a USN: ${JSON.stringify(raw.slice(0, 80))}`);
}

/**
 * Formats a USN in canonical form.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` when the uuid or target is invalid.
 */
export function formatUsn(usn: Usn): string {
  const device = formatSearchTarget({ type: 'uuid', uuid: usn.uuid });
  if (usn.target === undefined) return device;
  if ((usn.target.type as string) === 'all' || (usn.target.type as string) === 'uuid') {
    throw new SsdpError(
      'SSDP_ERR_INVALID_ARGUMENT',
      'a USN target is upnp:rootdevice, a device type or a service type',
    );
  }
  return `${device}::${formatSearchTarget(usn.target)}`;
}

/** Accepts a typed USN or a raw string and returns the wire string (raw strings are passed through trimmed). */
export function usnText(usn: Usn | string): string {
  return typeof usn === 'string' ? usn.trim() : formatUsn(usn);
}
