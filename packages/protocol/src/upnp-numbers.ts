import { SsdpError, valueError, valueOk, type SsdpErrorCode, type ValueResult } from './errors.ts';
import { readDecimal } from './decimal.ts';

/** Largest BOOTID/CONFIGID/NEXTBOOTID: the values are non-negative 31-bit integers (UDA §1.2.2). */
export const MAX_31_BIT = 2_147_483_647;
/** UDA 1.1+: devices may freely assign CONFIGID 0..2^24-1; larger values are reserved. */
export const MAX_ASSIGNABLE_CONFIGID = 16_777_215;
/** SEARCHPORT.UPNP.ORG and TCPPORT.UPNP.ORG must lie in the dynamic port range (RFC 4340). */
export const MIN_DYNAMIC_PORT = 49152;
export const MAX_PORT = 65535;

/** @internal Digits only, leading zeros ignored, within [min, max]; -1 otherwise. */
export function readRanged(text: string, min: number, max: number): number {
  const value = readDecimal(text, 0, text.length, max);
  return value >= min ? value : -1;
}

function parseRanged(raw: string, min: number, max: number, code: SsdpErrorCode, what: string): ValueResult<number> {
  const value = readRanged(raw.trim(), min, max);
  return value >= 0
    ? valueOk(value)
    : valueError(code, `${what} must be a decimal integer in ${min}..${max}: ${JSON.stringify(raw.slice(0, 40))}`);
}

function formatRanged(value: number, min: number, max: number, what: string): string {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new SsdpError('SSDP_ERR_INVALID_ARGUMENT', `${what} must be an integer in ${min}..${max}: ${value}`);
  }
  return String(value);
}

/** Parses BOOTID.UPNP.ORG: a non-negative 31-bit decimal integer (leading zeros ignored). */
export function parseBootId(raw: string): ValueResult<number> {
  return parseRanged(raw, 0, MAX_31_BIT, 'SSDP_ERR_INVALID_BOOTID', 'BOOTID.UPNP.ORG');
}
/** Formats BOOTID.UPNP.ORG. @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` outside 0..2^31-1. */
export function formatBootId(value: number): string {
  return formatRanged(value, 0, MAX_31_BIT, 'BOOTID.UPNP.ORG');
}

/**
 * Parses CONFIGID.UPNP.ORG: a non-negative 31-bit decimal integer. Values above 2^24-1 are reserved for the
 * UPnP TC but accepted from the wire.
 */
export function parseConfigId(raw: string): ValueResult<number> {
  return parseRanged(raw, 0, MAX_31_BIT, 'SSDP_ERR_INVALID_CONFIGID', 'CONFIGID.UPNP.ORG');
}
/**
 * Formats CONFIGID.UPNP.ORG. Only the vendor-assignable range 0..2^24-1 may be sent.
 * @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` outside 0..16777215.
 */
export function formatConfigId(value: number): string {
  return formatRanged(value, 0, MAX_ASSIGNABLE_CONFIGID, 'CONFIGID.UPNP.ORG');
}

/** Parses NEXTBOOTID.UPNP.ORG: a non-negative 31-bit decimal integer. */
export function parseNextBootId(raw: string): ValueResult<number> {
  return parseRanged(raw, 0, MAX_31_BIT, 'SSDP_ERR_INVALID_NEXTBOOTID', 'NEXTBOOTID.UPNP.ORG');
}
/** Formats NEXTBOOTID.UPNP.ORG. @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` outside 0..2^31-1. */
export function formatNextBootId(value: number): string {
  return formatRanged(value, 0, MAX_31_BIT, 'NEXTBOOTID.UPNP.ORG');
}

/** Parses SEARCHPORT.UPNP.ORG: a decimal port in 49152..65535. */
export function parseSearchPort(raw: string): ValueResult<number> {
  return parseRanged(raw, MIN_DYNAMIC_PORT, MAX_PORT, 'SSDP_ERR_INVALID_SEARCHPORT', 'SEARCHPORT.UPNP.ORG');
}
/** Formats SEARCHPORT.UPNP.ORG. @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` outside 49152..65535. */
export function formatSearchPort(value: number): string {
  return formatRanged(value, MIN_DYNAMIC_PORT, MAX_PORT, 'SEARCHPORT.UPNP.ORG');
}

/** Parses TCPPORT.UPNP.ORG (UDA 2.0 M-SEARCH): a decimal port in 49152..65535. */
export function parseTcpPort(raw: string): ValueResult<number> {
  return parseRanged(raw, MIN_DYNAMIC_PORT, MAX_PORT, 'SSDP_ERR_INVALID_TCPPORT', 'TCPPORT.UPNP.ORG');
}
/** Formats TCPPORT.UPNP.ORG. @throws {@link SsdpError} `SSDP_ERR_INVALID_ARGUMENT` outside 49152..65535. */
export function formatTcpPort(value: number): string {
  return formatRanged(value, MIN_DYNAMIC_PORT, MAX_PORT, 'TCPPORT.UPNP.ORG');
}
