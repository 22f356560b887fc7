// Which interfaces to bind, from a snapshot of os.networkInterfaces() and the `--interface` values. Pure, so
// every case (multi-homed, link-local scope ids, names vs addresses, unknown, duplicates) is unit-tested.
import { TransportError } from './errors.ts';
import { ipv4Broadcast, isLinkLocal, normalizeAddress, prefixOfNetmask } from './ip-address.ts';
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
  return prefixOfNetmask(info.netmask, family);
}
