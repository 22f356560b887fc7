// Addresses of the UDP transport: the scoped forms Node wants for IPv6 link-local, and which interface a datagram
// on a shared (per-family) group socket arrived on. See the design in udp-transport.ts.
import { isLinkLocal, onSubnet } from './ip-address.ts';
import type { InterfaceAddress } from './select-interfaces.ts';
import type { AddressFamily, TransportInterface } from './transport.ts';

/** The scoped form Node wants for an IPv6 link-local address or group: `fe80::1%eth0`. */
export function scoped(address: string, iface: TransportInterface): string {
  if (iface.family !== 'IPv6' || address.includes('%')) return address;
  return isLinkLocal(address) || address.toLowerCase().startsWith('ff02:') ? `${address}%${iface.name}` : address;
}

/** The IP_MULTICAST_IF / membership interface of an interface: its IPv4 address, or `::%<name>`. */
export function multicastInterfaceOf(iface: TransportInterface): string {
  return iface.family === 'IPv4' ? iface.address : `::%${iface.name}`;
}

/**
 * Arrival interface of a datagram from `source` on a shared (per-family) group socket: by the `%scope` of a
 * link-local source, else by subnet; off every chosen subnet it is ours only when we have one interface of the
 * family and the source is on no other local subnet (IP_MULTICAST_ALL hands us other links' traffic).
 */
export function attributeArrival(
  candidates: readonly TransportInterface[],
  hostSubnets: readonly Pick<InterfaceAddress, 'family' | 'address' | 'prefixLength'>[],
  family: AddressFamily,
  source: string,
): TransportInterface | undefined {
  const ofFamily = candidates.filter((i) => i.family === family);
  const scope = /%(.+)$/.exec(source)?.[1];
  if (scope !== undefined) {
    const byScope = ofFamily.find((i) => i.name === scope || String(i.scopeId) === scope);
    if (byScope !== undefined) return byScope;
  }
  const bySubnet = ofFamily.find((i) => onSubnet(i, source));
  if (bySubnet !== undefined) return bySubnet;
  if (hostSubnets.some((i) => i.family === family && onSubnet(i, source))) return undefined;
  return ofFamily.length === 1 ? ofFamily[0] : undefined;
}
