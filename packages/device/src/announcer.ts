// The announcer: ssdp:alive for the whole advertisement set of every device on every interface, after a random
// 0-100 ms delay and three times a few hundred ms apart (UDA: more than once, never more than three times),
// refreshed at a random interval below max-age/2; ssdp:update before a BOOTID change and ssdp:byebye at
// shutdown. Everything goes through the paced send queue, in order, so updates always precede the alives that
// carry the new BOOTID.
import type { ScheduledTask } from '@ssdp/runtime';
import type { TransportInterface } from '@ssdp/transport';
import type { DeviceContext } from './device-context.ts';
import { queueBurst } from './announce-burst.ts';
import { buildAlive, buildByeBye, buildUpdate } from './messages.ts';

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

  function aliveRound(): void {
    const bootId = context.bootId();
    void queueBurst(context, {
      kind: 'alive',
      interfaces: context.transport.interfaces,
      build: (iface, location, member, ad) => buildAlive(context, iface, location, member.configId, ad),
      onSent: (iface, ad) => {
        stats.alive += 1;
        context.emit({ event: 'alive-sent', interfaceId: iface.id, nt: ad.nt, usn: ad.usn, bootId });
      },
    });
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
      return queueBurst(context, {
        kind: 'update',
        interfaces,
        build: (iface, location, member, ad) => buildUpdate(context, iface, location, member.configId, ad, nextBootId),
        onSent: (iface, ad) => {
          stats.updates += 1;
          context.emit({ event: 'update-sent', interfaceId: iface.id, nt: ad.nt, usn: ad.usn, bootId, nextBootId });
        },
      });
    },
    byebyeAll() {
      cancel();
      const bootId = context.bootId();
      return queueBurst(context, {
        kind: 'byebye',
        interfaces: context.transport.interfaces,
        build: (iface, _location, member, ad) => buildByeBye(context, iface, member.configId, ad),
        onSent: (iface, ad) => {
          stats.byebye += 1;
          context.emit({ event: 'byebye-sent', interfaceId: iface.id, nt: ad.nt, usn: ad.usn, bootId });
        },
      });
    },
  };
}
