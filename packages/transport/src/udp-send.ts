/* Sending one datagram through a bound interface's unicast socket. */
import { transportErrorFromErrno } from './errors.ts';
import type { SendTarget } from './transport.ts';
import type { InterfaceSockets } from './udp-bind.ts';
import { resolveSendTarget } from './send-target.ts';
import { scoped } from './udp-targets.ts';

/** Sends `bytes` to `target` from `sockets`' unicast socket; `port` is the SSDP port multicast goes to. */
export function sendFrom(
  sockets: InterfaceSockets,
  bytes: Uint8Array,
  target: SendTarget,
  port: number,
): Promise<void> {
  const destination = resolveSendTarget(sockets.iface, target, port);
  const address = scoped(destination.address, sockets.iface);
  const destinationPort = destination.port;
  const what = `send ${target.kind} to ${address}:${destinationPort} via ${sockets.iface.id}`;
  const failed = (error: unknown) =>
    transportErrorFromErrno(error, what, { interfaceId: sockets.iface.id, address, port: destinationPort });
  return new Promise<void>((resolve, reject) => {
    try {
      sockets.unicast.send(bytes, destinationPort, address, (error) => {
        if (error) reject(failed(error));
        else resolve();
      });
    } catch (error) {
      reject(failed(error));
    }
  });
}

/** Returns `sending`, keeping it in `pending` until it settles (stop waits for pending sends). */
export function tracked(pending: Set<Promise<void>>, sending: Promise<void>): Promise<void> {
  const settled = sending.catch(() => undefined);
  pending.add(settled);
  void settled.finally(() => pending.delete(settled));
  return sending;
}
