// The announcer: ssdp:alive for the whole advertisement set of every device on every interface, after a random
// 0-100 ms delay and three times a few hundred ms apart (UDA: more than once, never more than three times),
// refreshed at a random interval below max-age/2; ssdp:update before a BOOTID change and ssdp:byebye at
// shutdown. Everything goes through the paced send queue, in order, so updates always precede the alives that
// carry the new BOOTID.
import type { Advertisement } from '@ssdp/protocol';
import type { ScheduledTask } from '@ssdp/runtime';
import type { TransportInterface } from '@ssdp/transport';
import type { DeviceContext } from './device-context.ts';
import type { FleetMember } from './fleet.ts';
import { buildAlive, buildByeBye, buildUpdate, notifyTarget } from './messages.ts';

export const ANNOUNCE_ROUNDS = 3;
export const FIRST_ROUND_MAX_DELAY_MS = 100;
export const ROUND_GAP_MIN_MS = 200;
export const ROUND_GAP_MAX_MS = 400;

export interface Announcer {
  /** Schedules the initial rounds and then the refresh cycle. */
  start(): void;
  /** Cancels scheduled rounds and refreshes and drops queued alives. */
  cancel(): void;
  /** ssdp:update with NEXTBOOTID on `interfaces`, root device entries first; resolves once all were sent. */
  sendUpdates(interfaces: readonly TransportInterface[], nextBootId: number): Promise<void>;
  /** ssdp:byebye for every alive NT/USN on every interface; resolves once all were handed to the transport. */
  byebyeAll(): Promise<void>;
}

type Build = (iface: TransportInterface, location: string, member: FleetMember, ad: Advertisement) => Uint8Array;

export function createAnnouncer(context: DeviceContext): Announcer {
  const { scheduler, random, queue, stats } = context;
  const tasks = new Set<ScheduledTask>();

  function later(delayMs: number, run: () => void): void {
    const task = scheduler.schedule(delayMs, () => {
      tasks.delete(task);
      run();
    });
    tasks.add(task);
  }

  /** Queues one message per (interface, member, advertisement); resolves when all settled. */
  function burst(
    kind: 'alive' | 'byebye' | 'update',
    interfaces: readonly TransportInterface[],
    build: Build,
    onSent: (iface: TransportInterface, ad: Advertisement) => void,
  ): Promise<void> {
    const waits: Promise<void>[] = [];
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
            context.drop('send-failed', 1, {
              interfaceId: iface.id,
              detail: error instanceof Error ? error.message : String(error),
            });
            continue;
          }
          const queued = queue.enqueue({
            bytes,
            target,
            kind,
            onSent: () => onSent(iface, ad),
            onFailed: (error) =>
              context.drop('send-failed', 1, {
                interfaceId: iface.id,
                detail: error instanceof Error ? error.message : String(error),
              }),
          });
          if (queued === false) context.drop('send-failed', 1, { interfaceId: iface.id, detail: 'send queue full' });
          else waits.push(queued);
        }
      }
    }
    return Promise.all(waits).then(() => undefined);
  }

  function aliveRound(): void {
    const bootId = context.bootId();
    void burst(
      'alive',
      context.transport.interfaces,
      (iface, location, member, ad) => buildAlive(context, iface, location, member.configId, ad),
      (iface, ad) => {
        stats.alive += 1;
        context.emit({ event: 'alive-sent', interfaceId: iface.id, nt: ad.nt, usn: ad.usn, bootId });
      },
    );
  }

  function cycle(): void {
    let at = random() * FIRST_ROUND_MAX_DELAY_MS;
    for (let round = 0; round < ANNOUNCE_ROUNDS; round += 1) {
      later(at, aliveRound);
      at += ROUND_GAP_MIN_MS + random() * (ROUND_GAP_MAX_MS - ROUND_GAP_MIN_MS);
    }
    // Refresh at a random interval in [max-age/4, max-age/2): always below half the advertised lifetime.
    const quarterMs = (context.maxAge * 1000) / 4;
    later(quarterMs + random() * quarterMs, cycle);
  }

  function cancel(): void {
    for (const task of tasks) scheduler.cancel(task);
    tasks.clear();
    queue.remove((kind) => kind === 'alive');
  }

  return {
    start() {
      cancel();
      cycle();
    },
    cancel,
    sendUpdates(interfaces, nextBootId) {
      queue.remove((kind) => kind === 'alive');
      const bootId = context.bootId();
      return burst(
        'update',
        interfaces,
        (iface, location, member, ad) => buildUpdate(context, iface, location, member.configId, ad, nextBootId),
        (iface, ad) => {
          stats.updates += 1;
          context.emit({ event: 'update-sent', interfaceId: iface.id, nt: ad.nt, usn: ad.usn, bootId, nextBootId });
        },
      );
    },
    byebyeAll() {
      cancel();
      const bootId = context.bootId();
      return burst(
        'byebye',
        context.transport.interfaces,
        (iface, _location, member, ad) => buildByeBye(context, iface, member.configId, ad),
        (iface, ad) => {
          stats.byebye += 1;
          context.emit({ event: 'byebye-sent', interfaceId: iface.id, nt: ad.nt, usn: ad.usn, bootId });
        },
      );
    },
  };
}
