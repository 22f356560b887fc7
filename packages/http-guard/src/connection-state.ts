// The life of one guarded connection as three phases, each with its own deadline:
//
//   headers ──'request' event──▶ request ──every response finished──▶ idle ──a byte arrives──▶ headers ...
//
// - headers: from accept (or from the first byte after an idle spell) until the server's 'request' event, which
//   Node emits once a request's headers are parsed. Limit headersTimeoutMs → http-header-deadline.
// - request: from the 'request' event until its response has finished ('finish', or 'close' if it never
//   finishes). Pipelined requests each get a fresh budget when they reach the head. Limit requestTimeoutMs.
// - idle: after the last response, until the socket has read a byte more than it had then (socket.bytesRead,
//   which counts bytes even while Node's HTTP parser consumes the socket directly). Limit idleTimeoutMs.
//
// No timers here: the guard calls expiredReason() for every connection on one shared tick.
import type { HttpDropReason } from './drop-reasons.ts';
import type { HttpGuardLimits } from './options.ts';

export type ConnectionPhase = 'headers' | 'request' | 'idle';

export interface ConnectionState {
  readonly source: string;
  readonly acceptedAt: number;
  phase: ConnectionPhase;
  /** When the current phase started (ms, monotonic). */
  phaseSince: number;
  /** Responses not yet finished on this connection (more than one when requests are pipelined). */
  inFlight: number;
  /** socket.bytesRead when the connection went idle. */
  bytesAtIdle: number;
}

export function newConnectionState(source: string, now: number): ConnectionState {
  return { source, acceptedAt: now, phase: 'headers', phaseSince: now, inFlight: 0, bytesAtIdle: 0 };
}

/** The server emitted 'request' for this connection: its headers are complete. */
export function requestStarted(state: ConnectionState, now: number): void {
  state.inFlight += 1;
  if (state.phase !== 'request') {
    state.phase = 'request';
    state.phaseSince = now;
  }
}

/** One response on this connection finished (or was abandoned). */
export function responseDone(state: ConnectionState, now: number, bytesRead: number): void {
  state.inFlight = Math.max(0, state.inFlight - 1);
  state.phaseSince = now;
  if (state.inFlight > 0) return;
  state.phase = 'idle';
  state.bytesAtIdle = bytesRead;
}

/** Moves an idle connection whose socket has read new bytes into the headers phase. */
export function noticeBytes(state: ConnectionState, now: number, bytesRead: number): void {
  if (state.phase === 'idle' && bytesRead > state.bytesAtIdle) {
    state.phase = 'headers';
    state.phaseSince = now;
  }
}

const LIMIT_OF_PHASE = {
  headers: ['headersTimeoutMs', 'http-header-deadline'],
  request: ['requestTimeoutMs', 'http-request-deadline'],
  idle: ['idleTimeoutMs', 'http-idle'],
} as const satisfies Record<ConnectionPhase, readonly [keyof HttpGuardLimits, HttpDropReason]>;

/** The reason to close the connection now, or undefined while its current phase is within its limit. */
export function expiredReason(
  state: ConnectionState,
  now: number,
  limits: HttpGuardLimits,
): HttpDropReason | undefined {
  const [limitName, reason] = LIMIT_OF_PHASE[state.phase];
  const limit = limits[limitName];
  return limit > 0 && now - state.phaseSince >= limit ? reason : undefined;
}
