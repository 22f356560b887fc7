/* As what the in-memory network shows a datagram sent to a target (where it goes is send-target.ts's job). */
import { normalizeAddress } from './ip-address.ts';
import type { SendTarget, TransportInterface, Via } from './transport.ts';

/** How `target`, sent from `iface`, is seen on the wire: a directed broadcast address sent unicast is a broadcast. */
export function memoryVia(iface: TransportInterface, target: SendTarget): Via {
  if (target.kind !== 'unicast') return target.kind;
  return iface.broadcast !== undefined && normalizeAddress(target.address) === iface.broadcast
    ? 'broadcast'
    : 'unicast';
}
