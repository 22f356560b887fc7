// The guard's tracked connections: the table, their sockets, the drop counts, and the one shared interval (unref'd)
// that checks every deadline while any connection is tracked. Nothing here throws from a callback.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ConnectionTable } from './connection-table.ts';
import { expiredReason, newConnectionState, noticeBytes, type ConnectionState } from './connection-state.ts';
import { emptyDropCounts, type HttpDropReason } from './drop-reasons.ts';
import type { HttpGuardLimits } from './options.ts';

export interface Tracked extends ConnectionState {
  readonly socket: Socket;
  readonly onSocketClose: () => void;
}

const MIN_TICK_MS = 10;
const MAX_TICK_MS = 250;

/** A quarter of the shortest enabled deadline, between 10 and 250 ms; 0 when none is enabled. */
function tickFor(limits: HttpGuardLimits): number {
  const enabled = [limits.headersTimeoutMs, limits.requestTimeoutMs, limits.idleTimeoutMs].filter((ms) => ms > 0);
  return enabled.length === 0 ? 0 : Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.floor(Math.min(...enabled) / 4)));
}

export function createTrackedConnections(
  limits: HttpGuardLimits,
  onDrop: ((reason: HttpDropReason, source: string) => void) | undefined,
) {
  const tickMs = tickFor(limits);
  const table = new ConnectionTable<Tracked>();
  const bySocket = new WeakMap<Socket, Tracked>();
  const drops = emptyDropCounts();
  let timer: NodeJS.Timeout | undefined;
  const now = (): number => performance.now();

  function report(reason: HttpDropReason, source: string): void {
    drops[reason] += 1;
    if (onDrop === undefined) return;
    try {
      onDrop(reason, source);
    } catch {
      // A failing observer must not break the guard or the server.
    }
  }

  function stopTimer(): void {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  }

  function untrack(entry: Tracked): boolean {
    if (!table.remove(entry)) return false;
    entry.socket.off('close', entry.onSocketClose);
    if (table.size === 0) stopTimer();
    return true;
  }

  function drop(entry: Tracked, reason: HttpDropReason): void {
    if (!untrack(entry)) return;
    entry.socket.destroy();
    report(reason, entry.source);
  }

  function tick(): void {
    try {
      const at = now();
      const expired: [Tracked, HttpDropReason][] = [];
      for (const entry of table.entries()) {
        noticeBytes(entry, at, entry.socket.bytesRead);
        const reason = expiredReason(entry, at, limits);
        if (reason !== undefined) expired.push([entry, reason]);
      }
      for (const [entry, reason] of expired) drop(entry, reason);
    } catch {
      // Never let a tick throw out of a timer callback.
    }
  }

  /** Tracks an admitted socket until it closes, and starts the deadline timer if it is not running. */
  function track(socket: Socket, source: string): void {
    const entry: Tracked = Object.assign(newConnectionState(source, now()), {
      socket,
      onSocketClose: () => {
        untrack(entry);
      },
    });
    table.add(entry);
    bySocket.set(socket, entry);
    socket.once('close', entry.onSocketClose);
    if (timer === undefined && tickMs > 0) {
      timer = setInterval(tick, tickMs);
      timer.unref();
    }
  }

  function untrackAll(): void {
    for (const entry of [...table.entries()]) untrack(entry);
    stopTimer();
  }

  /** The tracked entry of a socket, if it is still tracked. */
  function entryOf(socket: Socket): Tracked | undefined {
    const entry = bySocket.get(socket);
    return entry !== undefined && table.has(entry) ? entry : undefined;
  }

  return { table, drops, now, report, drop, track, untrackAll, entryOf };
}
