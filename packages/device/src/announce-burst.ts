// One announcement burst: a message per (interface, member, advertisement) on the paced send queue.
import type { Advertisement } from '@ssdp/protocol';
import type { TransportInterface } from '@ssdp/transport';
import type { DeviceContext } from './device-context.ts';
import type { FleetMember } from './fleet.ts';
import { notifyTarget } from './messages.ts';

type Build = (iface: TransportInterface, location: string, member: FleetMember, ad: Advertisement) => Uint8Array;

export interface Burst {
  readonly kind: 'alive' | 'byebye' | 'update';
  readonly interfaces: readonly TransportInterface[];
  readonly build: Build;
  readonly onSent: (iface: TransportInterface, ad: Advertisement) => void;
}

/** Queues one message per (interface, member, advertisement); resolves when all settled. */
export function queueBurst(context: DeviceContext, { kind, interfaces, build, onSent }: Burst): Promise<void> {
  const waits: Promise<void>[] = [];
  const failed = (iface: TransportInterface, error: unknown): void =>
    context.drop('send-failed', 1, {
      interfaceId: iface.id,
      detail: error instanceof Error ? error.message : String(error),
    });
  for (const iface of interfaces) {
    const target = notifyTarget(context, iface);
    if (target === undefined) continue;
    for (const member of context.fleet.members) {
      // A byebye carries no LOCATION, so it goes out even where the description is not served.
      const location = context.location(iface, member) ?? (kind === 'byebye' ? '' : undefined);
      if (location === undefined) continue;
      for (const ad of member.advertisements) {
        let bytes: Uint8Array;
        try {
          bytes = build(iface, location, member, ad);
        } catch (error) {
          failed(iface, error);
          continue;
        }
        const queued = context.queue.enqueue({
          bytes,
          target,
          kind,
          onSent: () => onSent(iface, ad),
          onFailed: (error) => failed(iface, error),
        });
        if (queued === false) context.drop('send-failed', 1, { interfaceId: iface.id, detail: 'send queue full' });
        else waits.push(queued);
      }
    }
  }
  return Promise.all(waits).then(() => undefined);
}
