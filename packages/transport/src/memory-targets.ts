/* Where the in-memory transport sends a target, and as what it is seen on the wire. */
import { SSDP_IPV4_GROUP, SSDP_IPV6_LINK_LOCAL_GROUP, SSDP_IPV6_SITE_LOCAL_GROUP } from '@ssdp/protocol';
import { TransportError } from './errors.ts';
import { normalizeAddress } from './ip-address.ts';
import type { AddressFamily, SendTarget, TransportInterface, Via } from './transport.ts';

export interface MemoryTarget {
  readonly to: { readonly address: string; readonly port: number };
  readonly via: Via;
}

/** Resolves `target` on `iface` (`port`: the SSDP port); an impossible target is returned as its error. */
export function memoryTarget(
  iface: TransportInterface,
  target: SendTarget,
  port: number,
): MemoryTarget | TransportError {
  let to: { address: string; port: number };
  let via: Via;
  switch (target.kind) {
    case 'multicast':
      via = 'multicast';
      to = {
        address:
          iface.family === 'IPv4'
            ? SSDP_IPV4_GROUP
            : target.group === 'site-local'
              ? SSDP_IPV6_SITE_LOCAL_GROUP
              : SSDP_IPV6_LINK_LOCAL_GROUP,
        port,
      };
      break;
    case 'unicast': {
      const family: AddressFamily = normalizeAddress(target.address).includes(':') ? 'IPv6' : 'IPv4';
      if (family !== iface.family) {
        return new TransportError(
          'SSDP_ERR_INVALID_TARGET',
          `${target.address} is not ${iface.family} like ${iface.id}`,
          {
            interfaceId: iface.id,
            address: target.address,
          },
        );
      }
      // A directed broadcast address sent "unicast" is still a broadcast on the wire.
      via =
        iface.broadcast !== undefined && normalizeAddress(target.address) === iface.broadcast ? 'broadcast' : 'unicast';
      to = { address: target.address, port: target.port };
      break;
    }
    case 'broadcast': {
      const address = target.address ?? iface.broadcast;
      if (iface.family !== 'IPv4' || address === undefined) {
        return new TransportError('SSDP_ERR_INVALID_TARGET', `${iface.id} has no IPv4 broadcast address`, {
          interfaceId: iface.id,
        });
      }
      via = 'broadcast';
      to = { address, port: target.port ?? port };
      break;
    }
  }
  return { to, via };
}
