// Where a SendTarget goes from an interface, for every transport: the SSDP group of the interface's family, a
// unicast address of that family, or a directed broadcast. An impossible target is a typed error.
import { SSDP_IPV4_GROUP, SSDP_IPV6_LINK_LOCAL_GROUP, SSDP_IPV6_SITE_LOCAL_GROUP } from '@ssdp/protocol';
import { TransportError } from './errors.ts';
import { normalizeAddress } from './ip-address.ts';
import type { SendTarget, TransportInterface } from './transport.ts';

/**
 * Destination address (unscoped) and port of `target` sent from `iface`; `ssdpPort` is where multicast and a
 * broadcast without a port go. Throws a TransportError SSDP_ERR_INVALID_TARGET for a unicast address of the other
 * family or a broadcast from an interface without an IPv4 broadcast address.
 */
export function resolveSendTarget(
  iface: TransportInterface,
  target: SendTarget,
  ssdpPort: number,
): { address: string; port: number } {
  switch (target.kind) {
    case 'multicast': {
      const group =
        iface.family === 'IPv4'
          ? SSDP_IPV4_GROUP
          : target.group === 'site-local'
            ? SSDP_IPV6_SITE_LOCAL_GROUP
            : SSDP_IPV6_LINK_LOCAL_GROUP;
      return { address: group, port: ssdpPort };
    }
    case 'unicast': {
      const isV6 = normalizeAddress(target.address).includes(':');
      if (isV6 !== (iface.family === 'IPv6')) {
        throw new TransportError(
          'SSDP_ERR_INVALID_TARGET',
          `${target.address} is not ${iface.family} like ${iface.id}`,
          { interfaceId: iface.id, address: target.address },
        );
      }
      return { address: target.address, port: target.port };
    }
    case 'broadcast': {
      const address = target.address ?? iface.broadcast;
      if (iface.family !== 'IPv4' || address === undefined) {
        throw new TransportError('SSDP_ERR_INVALID_TARGET', `${iface.id} has no IPv4 broadcast address`, {
          interfaceId: iface.id,
        });
      }
      return { address, port: target.port ?? ssdpPort };
    }
  }
}
