// Address maths for the transport and the engines, in one place: normalising, link-local, subnets, masks and
// directed broadcasts. node:net's isIP says what an address is; the subnet test runs per datagram, so it stays
// plain integer maths (node:net's BlockList.check is far costlier per call).
import { isIP } from 'node:net';
import type { AddressFamily, TransportInterface } from './transport.ts';

/** Lower-case, without a `%scope` suffix or brackets, so `FE80::1%eth0` matches `fe80::1`. */
export function normalizeAddress(address: string): string {
  return address
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
}

/** IPv6 link-local (fe80::/10), with or without a `%scope`: such an address needs its interface to be reached. */
export function isLinkLocal(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(normalizeAddress(address));
}

/** The family of an address (node:net isIP, after normalizeAddress), or undefined when it is not one. */
export function addressFamily(address: string): AddressFamily | undefined {
  const version = isIP(normalizeAddress(address));
  return version === 4 ? 'IPv4' : version === 6 ? 'IPv6' : undefined;
}

/** The prefix length of a netmask: 255.255.255.0 -> 24, ffff:ffff:ffff:ffff:: -> 64. */
export function prefixOfNetmask(netmask: string, family: AddressFamily): number {
  const words = family === 'IPv4' ? netmask.split('.').map((part) => Number(part) & 0xff) : expandIpv6(netmask);
  return words.reduce((bits, word) => bits + popcount(word), 0);
}

/** The netmask of a prefix length: (IPv4, 24) -> 255.255.255.0, (IPv6, 64) -> ffff:ffff:ffff:ffff:0:0:0:0. */
export function netmaskOf(family: AddressFamily, prefixLength: number): string {
  if (family === 'IPv4') return numberToIpv4(maskOf(prefixLength));
  const words: string[] = [];
  for (let w = 0; w < 8; w += 1) {
    const bits = Math.max(0, Math.min(16, prefixLength - w * 16));
    words.push(((0xffff << (16 - bits)) & 0xffff).toString(16));
  }
  return words.join(':');
}

/** Whether two addresses are the same host (IPv6 compared word by word, so `fe80::1` equals `FE80:0::1%eth0`). */
export function sameAddress(a: string, b: string): boolean {
  const x = normalizeAddress(a);
  const y = normalizeAddress(b);
  if (x === y) return true;
  return x.includes(':') && y.includes(':') && expandIpv6(x).join() === expandIpv6(y).join();
}

function popcount(value: number): number {
  let bits = 0;
  for (let v = value; v !== 0; v >>>= 1) bits += v & 1;
  return bits;
}

export function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((acc, part) => ((acc << 8) | (Number(part) & 0xff)) >>> 0, 0);
}

export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** Directed broadcast of an IPv4 subnet; undefined for /31 and /32, which have none. */
export function ipv4Broadcast(address: string, prefixLength: number): string | undefined {
  if (prefixLength >= 31) return undefined;
  return numberToIpv4((ipv4ToNumber(address) | ~maskOf(prefixLength)) >>> 0);
}

/** The 8 16-bit words of an IPv6 address (no validation beyond shape; an IPv4 tail is supported). */
export function expandIpv6(address: string): number[] {
  let text = normalizeAddress(address);
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] !== undefined) {
    const n = ipv4ToNumber(v4[1]);
    text = text.slice(0, -v4[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headWords = head === '' ? [] : head.split(':');
  const tailWords = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : new Array<string>(8 - headWords.length - tailWords.length).fill('0');
  return [...headWords, ...fill, ...tailWords].map((word) => parseInt(word, 16) || 0);
}

/** Whether `address` lies in the subnet of `iface` (same family, same prefix). */
export function onSubnet(
  iface: Pick<TransportInterface, 'family' | 'address' | 'prefixLength'>,
  address: string,
): boolean {
  const candidate = normalizeAddress(address);
  if (isIP(candidate) !== (iface.family === 'IPv6' ? 6 : 4)) return false;
  if (iface.family === 'IPv4') {
    const mask = maskOf(iface.prefixLength);
    return ((ipv4ToNumber(candidate) ^ ipv4ToNumber(iface.address)) & mask) === 0;
  }
  const a = expandIpv6(candidate);
  const b = expandIpv6(iface.address);
  for (let bit = 0; bit < iface.prefixLength; bit += 1) {
    const word = bit >> 4;
    const shift = 15 - (bit & 15);
    if ((((a[word] ?? 0) >> shift) & 1) !== (((b[word] ?? 0) >> shift) & 1)) return false;
  }
  return true;
}
