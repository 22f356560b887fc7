// Name-based UUIDs (v5, SHA-1) for UDNs, so a fleet's UDNs follow deterministically from one persisted base UUID
// (a random base is node:crypto's randomUUID).
import { createHash } from 'node:crypto';
import { InvalidOptionError } from '@ssdp/transport';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the 8-4-4-4-12 hex form (any version; UDA only asks for a UUID). */
export function isUuid(text: string): boolean {
  return UUID_PATTERN.test(text);
}

function format(bytes: Uint8Array): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function parse(uuid: string): Uint8Array {
  const hex = uuid.replaceAll('-', '');
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i += 1) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** RFC 9562 version 5 (SHA-1, name-based) UUID of `name` in the namespace `namespace`. */
export function nameUuid(namespace: string, name: string): string {
  if (!isUuid(namespace)) throw new InvalidOptionError('uuid', `not a UUID: ${namespace}`);
  const hash = createHash('sha1').update(parse(namespace)).update(name, 'utf8').digest();
  const bytes = new Uint8Array(hash.subarray(0, 16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return format(bytes);
}
