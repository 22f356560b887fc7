// Which interfaces to bind, from a snapshot of os.networkInterfaces() and the `--interface` values. Pure, so
// every case (multi-homed, link-local scope ids, names vs addresses, unknown, duplicates) is unit-tested.
import { TransportError } from './errors.ts';
import type { AddressFamily, TransportInterface } from './transport.ts';

/** The fields of os.NetworkInterfaceInfo we use (Node 18.0-18.3 reported family as 4/6). */
export interface NetworkInterfaceInfoLike {
  readonly address: string;
  readonly netmask: string;
  readonly family: string | number;
  readonly internal: boolean;
  readonly cidr?: string | null;
  readonly scopeid?: number;
}

/** What os.networkInterfaces() returns (libuv lists only interfaces that are up and running). */
export type NetworkInterfacesSnapshot = Readonly<Record<string, readonly NetworkInterfaceInfoLike[] | undefined>>;

/** A chosen interface address; the transport adds the port it bound. */
export type InterfaceAddress = Omit<TransportInterface, 'unicastPort'>;

export interface SelectInterfacesOptions {
  /** `--interface` values: names, addresses or `all`. Empty or undefined: loopback. */
  readonly requested?: readonly string[];
  /** Explicit families must all be usable; undefined means IPv4 plus IPv6 where usable. */
  readonly families?: readonly AddressFamily[];
  /** Whether an interface can carry multicast of a family (Linux: IFF_MULTICAST; `lo` has none). Default yes. */
  readonly multicastCapable?: (name: string, family: AddressFamily) => boolean;
  /** Skip what is missing instead of failing (used when re-polling: an interface may be down for a while). */
  readonly lenient?: boolean;
}

export type SelectInterfacesResult =
  | { readonly ok: true; readonly interfaces: readonly InterfaceAddress[] }
  | { readonly ok: false; readonly error: TransportError };

interface Candidate {
  readonly name: string;
  readonly info: NetworkInterfaceInfoLike;
  readonly family: AddressFamily;
}

export function selectInterfaces(
  snapshot: NetworkInterfacesSnapshot,
  options: SelectInterfacesOptions = {},
): SelectInterfacesResult {
  const candidates = listCandidates(snapshot);
  const requested = (options.requested ?? []).map((value) => value.trim()).filter((value) => value !== '');
  const explicitFamilies = options.families;
  const families = new Set<AddressFamily>(explicitFamilies ?? ['IPv4', 'IPv6']);
  const multicastCapable = options.multicastCapable ?? (() => true);
  const available = describeAvailable(candidates);

  const picked: Candidate[] = [];
  const pick = (candidate: Candidate | undefined): void => {
    if (candidate !== undefined && !picked.some((p) => samePick(p, candidate))) picked.push(candidate);
  };

  if (requested.length === 0) {
    pick(candidates.find((c) => c.family === 'IPv4' && c.info.address === '127.0.0.1'));
    pick(candidates.find((c) => c.family === 'IPv6' && normalizeAddress(c.info.address) === '::1'));
  }
  for (const value of requested) {
    if (value.toLowerCase() === 'all') {
      for (const name of uniqueNames(candidates.filter((c) => !c.info.internal))) pickByName(name);
      continue;
    }
    if (candidates.some((c) => c.name === value)) {
      pickByName(value);
      continue;
    }
    const wanted = normalizeAddress(value);
    const byAddress = candidates.find((c) => normalizeAddress(c.info.address) === wanted);
    if (byAddress === undefined) {
      if (options.lenient === true) continue;
      return fail(
        new TransportError('SSDP_ERR_UNKNOWN_INTERFACE', `no interface named or addressed "${value}"`, {
          address: value,
          hint: `available: ${available}; or "all"`,
        }),
      );
    }
    pick(byAddress);
  }

  function pickByName(name: string): void {
    const own = candidates.filter((c) => c.name === name);
    pick(own.find((c) => c.family === 'IPv4'));
    // ff02::c is link-local, so the link-local address (with its scope id) is the one SSDP needs.
    const v6 = own.filter((c) => c.family === 'IPv6');
    pick(v6.find((c) => isLinkLocal(c.info.address)) ?? v6[0]);
  }

  const usable = picked.filter((c) => families.has(c.family) && multicastCapable(c.name, c.family));
  for (const family of options.lenient === true ? [] : (explicitFamilies ?? [])) {
    if (!usable.some((c) => c.family === family)) {
      const unusable = picked.find((c) => c.family === family);
      const why =
        unusable === undefined
          ? `none of the chosen interfaces has an ${family} address`
          : `${unusable.name} cannot carry ${family} multicast (no MULTICAST flag)`;
      return fail(
        new TransportError('SSDP_ERR_ADDRESS_FAMILY_UNAVAILABLE', `${family} is not available: ${why}`, {
          hint: `choose an interface with ${family} (available: ${available}) or turn ${family} off`,
        }),
      );
    }
  }
  if (usable.length === 0 && options.lenient !== true) {
    const what = requested.length === 0 ? 'loopback (127.0.0.1)' : requested.join(', ');
    const code = picked.length === 0 ? 'SSDP_ERR_UNKNOWN_INTERFACE' : 'SSDP_ERR_ADDRESS_FAMILY_UNAVAILABLE';
    return fail(new TransportError(code, `no usable address on ${what}`, { hint: `available: ${available}` }));
  }

  const ids = new Set<string>();
  const interfaces = usable.map((candidate) => {
    const base = `${candidate.name}/${candidate.family}`;
    const id = ids.has(base) ? `${base}/${normalizeAddress(candidate.info.address)}` : base;
    ids.add(id);
    return toInterfaceAddress(candidate, id);
  });
  return { ok: true, interfaces };
}

/** Every address in the snapshot, chosen or not (ids are `<name>/<address>`). */
export function listAddresses(snapshot: NetworkInterfacesSnapshot): InterfaceAddress[] {
  return listCandidates(snapshot).map((c) => toInterfaceAddress(c, `${c.name}/${normalizeAddress(c.info.address)}`));
}

function fail(error: TransportError): SelectInterfacesResult {
  return { ok: false, error };
}

function listCandidates(snapshot: NetworkInterfacesSnapshot): Candidate[] {
  const out: Candidate[] = [];
  for (const [name, infos] of Object.entries(snapshot)) {
    for (const info of infos ?? []) {
      const family = toFamily(info.family);
      if (family !== undefined) out.push({ name, info, family });
    }
  }
  return out;
}

function toFamily(family: string | number): AddressFamily | undefined {
  if (family === 'IPv4' || family === 4) return 'IPv4';
  if (family === 'IPv6' || family === 6) return 'IPv6';
  return undefined;
}

function uniqueNames(candidates: readonly Candidate[]): string[] {
  return [...new Set(candidates.map((c) => c.name))];
}

function samePick(a: Candidate, b: Candidate): boolean {
  return a.name === b.name && normalizeAddress(a.info.address) === normalizeAddress(b.info.address);
}

function describeAvailable(candidates: readonly Candidate[]): string {
  const names = uniqueNames(candidates).map((name) => {
    const addresses = candidates.filter((c) => c.name === name).map((c) => c.info.address);
    return `${name} (${addresses.join(', ')})`;
  });
  return names.length === 0 ? 'none' : names.join(', ');
}

/** Lower-case, without a `%scope` suffix or brackets, so `FE80::1%eth0` matches `fe80::1`. */
export function normalizeAddress(address: string): string {
  return address
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
}

export function isLinkLocal(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(normalizeAddress(address));
}

function toInterfaceAddress(candidate: Candidate, id: string): InterfaceAddress {
  const { info, family, name } = candidate;
  const address = normalizeAddress(info.address);
  const prefixLength = prefixFromInfo(info, family);
  const broadcast = family === 'IPv4' ? ipv4Broadcast(address, prefixLength) : undefined;
  const scopeId = family === 'IPv6' && isLinkLocal(address) && info.scopeid ? info.scopeid : undefined;
  return {
    id,
    name,
    family,
    address,
    netmask: info.netmask,
    prefixLength,
    internal: info.internal,
    ...(broadcast === undefined ? {} : { broadcast }),
    ...(scopeId === undefined ? {} : { scopeId }),
  };
}

function prefixFromInfo(info: NetworkInterfaceInfoLike, family: AddressFamily): number {
  const fromCidr = info.cidr ? Number(info.cidr.split('/')[1]) : Number.NaN;
  if (Number.isInteger(fromCidr)) return fromCidr;
  return family === 'IPv4' ? countIpv4MaskBits(info.netmask) : countIpv6MaskBits(info.netmask);
}

function countIpv4MaskBits(mask: string): number {
  return mask.split('.').reduce((bits, part) => bits + popcount(Number(part) & 0xff), 0);
}

function countIpv6MaskBits(mask: string): number {
  return expandIpv6(mask).reduce((bits, word) => bits + popcount(word), 0);
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
  iface: Pick<InterfaceAddress, 'family' | 'address' | 'prefixLength'>,
  address: string,
): boolean {
  const candidate = normalizeAddress(address);
  const isV6 = candidate.includes(':');
  if ((iface.family === 'IPv6') !== isV6) return false;
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
