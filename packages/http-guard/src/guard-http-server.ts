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
import { requestStarted, responseDone } from './connection-state.ts';
import type { HttpDropReason } from './drop-reasons.ts';
import { HttpGuardError } from './errors.ts';
import { resolveHttpGuardOptions, type HttpGuardLimits, type HttpGuardOptions } from './options.ts';
import { normalizeRemoteAddress } from './remote-address.ts';
import { createTrackedConnections } from './tracked-connections.ts';

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

const guarded = new WeakSet<Server>();

export function guardHttpServer(server: Server, options?: HttpGuardOptions): HttpGuard {
  if (!(server instanceof http.Server)) {
    throw new HttpGuardError('SSDP_ERR_HTTP_GUARD_OPTION', 'guardHttpServer needs a node:http Server');
  }
  if (guarded.has(server)) {
    throw new HttpGuardError('SSDP_ERR_HTTP_GUARD_OPTION', 'this server is already guarded; close() the first guard');
  }
  const { limits, onDrop } = resolveHttpGuardOptions(options);
  const tracked = createTrackedConnections(limits, onDrop);
  const { table, drops, now } = tracked;
  let admitted = 0;
  let closed = false;

  function onConnection(socket: Socket): void {
    try {
      const source = normalizeRemoteAddress(socket.remoteAddress);
      const admission = table.admit(source, limits);
      if (admission.kind === 'refuse') {
        socket.destroy();
        tracked.report(admission.reason, source);
        return;
      }
      if (admission.kind === 'evict') tracked.drop(admission.victim, 'http-global-cap');
      tracked.track(socket, source);
      admitted += 1;
    } catch {
      socket.destroy();
    }
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    try {
      const entry = tracked.entryOf(req.socket);
      if (entry === undefined) return;
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

  // Every connection has ended when a server emits 'close'; the listeners stay, so a server that listens again
  // is still guarded, but no timer outlives the server.
  const onServerClose = tracked.untrackAll;

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
      tracked.untrackAll();
      guarded.delete(server);
    },
  };
}
