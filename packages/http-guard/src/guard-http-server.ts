// guardHttpServer: wires the connection table and the per-connection deadlines into a node:http Server.
//
// - 'connection' is PREPENDED, so the guard sees a socket before Node's HTTP machinery attaches its parser, and
//   a refused socket is destroyed before a byte of it is parsed.
// - 'request' is prepended too, so a connection is in its request phase before the app's handler runs.
// - One shared interval (unref'd) checks every connection's deadline. It runs only while connections are
//   tracked, ticks at a quarter of the shortest enabled limit (between 10 and 250 ms), so a deadline bites at
//   most one tick late, and costs O(connections) per tick.
// - Nothing the guard runs from a socket, server or timer callback throws.
import http from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ConnectionTable } from './connection-table.ts';
import {
  expiredReason,
  newConnectionState,
  noticeBytes,
  requestStarted,
  responseDone,
  type ConnectionState,
} from './connection-state.ts';
import { emptyDropCounts, type HttpDropReason } from './drop-reasons.ts';
import { HttpGuardError } from './errors.ts';
import { resolveHttpGuardOptions, type HttpGuardLimits, type HttpGuardOptions } from './options.ts';
import { normalizeRemoteAddress } from './remote-address.ts';

export interface HttpGuardStats {
  /** Connections the guard closed, per reason. */
  readonly drops: Readonly<Record<HttpDropReason, number>>;
  /** Connections admitted since the guard started (including ones later closed). */
  readonly admitted: number;
  /** Connections open now and tracked. */
  readonly connections: number;
  /** Distinct remote addresses holding the tracked connections. */
  readonly sources: number;
}

export interface HttpGuard {
  /** A snapshot; read it again for fresh figures. */
  readonly stats: HttpGuardStats;
  /** The limits in force, defaults filled in. */
  readonly limits: HttpGuardLimits;
  /** Removes the guard's listeners and timer. Leaves the server and its connections open. Idempotent. */
  close(): void;
}

interface Tracked extends ConnectionState {
  readonly socket: Socket;
  readonly onSocketClose: () => void;
}

const MIN_TICK_MS = 10;
const MAX_TICK_MS = 250;
const guarded = new WeakSet<Server>();

export function guardHttpServer(server: Server, options?: HttpGuardOptions): HttpGuard {
  if (!(server instanceof http.Server)) {
    throw new HttpGuardError('SSDP_ERR_HTTP_GUARD_OPTION', 'guardHttpServer needs a node:http Server');
  }
  if (guarded.has(server)) {
    throw new HttpGuardError('SSDP_ERR_HTTP_GUARD_OPTION', 'this server is already guarded; close() the first guard');
  }
  const { limits, onDrop } = resolveHttpGuardOptions(options);
  const enabled = [limits.headersTimeoutMs, limits.requestTimeoutMs, limits.idleTimeoutMs].filter((ms) => ms > 0);
  const tickMs =
    enabled.length === 0 ? 0 : Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.floor(Math.min(...enabled) / 4)));
  const table = new ConnectionTable<Tracked>();
  const bySocket = new WeakMap<Socket, Tracked>();
  const drops = emptyDropCounts();
  let admitted = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
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

  function onConnection(socket: Socket): void {
    try {
      const source = normalizeRemoteAddress(socket.remoteAddress);
      const admission = table.admit(source, limits);
      if (admission.kind === 'refuse') {
        socket.destroy();
        report(admission.reason, source);
        return;
      }
      if (admission.kind === 'evict') drop(admission.victim, 'http-global-cap');
      const entry: Tracked = Object.assign(newConnectionState(source, now()), {
        socket,
        onSocketClose: () => {
          untrack(entry);
        },
      });
      table.add(entry);
      bySocket.set(socket, entry);
      socket.once('close', entry.onSocketClose);
      admitted += 1;
      if (timer === undefined && tickMs > 0) {
        timer = setInterval(tick, tickMs);
        timer.unref();
      }
    } catch {
      socket.destroy();
    }
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    try {
      const entry = bySocket.get(req.socket);
      if (entry === undefined || !table.has(entry)) return;
      requestStarted(entry, now());
      let done = false;
      const finished = (): void => {
        if (done) return;
        done = true;
        res.off('finish', finished);
        res.off('close', finished);
        if (table.has(entry)) responseDone(entry, now(), entry.socket.bytesRead);
      };
      if (res.writableFinished) finished();
      else {
        res.once('finish', finished);
        res.once('close', finished);
      }
    } catch {
      // Tracking is best effort; the request itself goes on.
    }
  }

  function untrackAll(): void {
    for (const entry of [...table.entries()]) untrack(entry);
    stopTimer();
  }

  // Every connection has ended when a server emits 'close'; the listeners stay, so a server that listens again
  // is still guarded, but no timer outlives the server.
  const onServerClose = untrackAll;

  server.prependListener('connection', onConnection);
  server.prependListener('request', onRequest);
  server.on('close', onServerClose);
  guarded.add(server);

  return {
    get stats(): HttpGuardStats {
      return {
        drops: Object.freeze({ ...drops }),
        admitted,
        connections: table.size,
        sources: table.sourceCount,
      };
    },
    limits,
    close(): void {
      if (closed) return;
      closed = true;
      server.off('connection', onConnection);
      server.off('request', onRequest);
      server.off('close', onServerClose);
      untrackAll();
      guarded.delete(server);
    },
  };
}
