// The SO_RCVBUF request: its default, its validation, and what to tell the user when the kernel grants less.
import { readFileSync } from 'node:fs';
import { TransportError } from './errors.ts';
import type { ReceiveBufferReport, SocketReceiveBuffer } from './transport.ts';

/**
 * SO_RCVBUF requested on every receiving socket (Linux doubles it and caps the request at net.core.rmem_max).
 * Measured with scripts/measure-receive-buffer.ts on loopback: 4,000 responses of 367 bytes (1,000 devices x 4)
 * into a handler that parses each one; drops per run, 3 runs each (details in README.md):
 *   effective buffer          208 KiB (Linux default)   512 KiB           2 MiB            8 MiB (this default)
 *   spread over 1 s           0                         0                 0                0
 *   spread, 50 ms stalls      149-176                   0                 0                0
 *   all at once               2075-3206                 1280-2032         0-698            0
 *   all at once, stalls       1871-2688                 135-898           0-836            0
 * With 10 answers per device (10,000 datagrams) all at once, 8 MiB still dropped none without stalls.
 * Where rmem_max is lower (often 212,992 on desktops) the kernel silently caps it: `receiveBuffer()` says so.
 */
export const DEFAULT_RECEIVE_BUFFER_SIZE = 4 * 1024 * 1024;

/** Largest `receiveBufferSize` accepted: 512 MiB (Linux stores twice the request in an int). */
export const RECEIVE_BUFFER_SIZE_MAX = 512 * 1024 * 1024;

/** The `receiveBufferSize` option, defaulted and checked; throws SSDP_ERR_INVALID_OPTION. */
export function checkReceiveBufferSize(value: number | undefined): number {
  if (value === undefined) return DEFAULT_RECEIVE_BUFFER_SIZE;
  if (!Number.isInteger(value) || value < 1 || value > RECEIVE_BUFFER_SIZE_MAX) {
    throw new TransportError(
      'SSDP_ERR_INVALID_OPTION',
      `receiveBufferSize must be an integer from 1 to ${RECEIVE_BUFFER_SIZE_MAX} bytes, got ${String(value)}`,
      { hint: `the default is ${DEFAULT_RECEIVE_BUFFER_SIZE} bytes (4 MiB)` },
    );
  }
  return value;
}

/**
 * Whether the kernel granted less than asked. Linux reports twice the request (it counts its own bookkeeping), so
 * less than 2 × requested means net.core.rmem_max capped it; elsewhere the size is reported as requested.
 */
export function isClamped(
  requested: number,
  granted: number | undefined,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (granted === undefined) return false;
  return granted < (platform === 'linux' ? 2 * requested : requested);
}

/** net.core.rmem_max, or undefined where it cannot be read (not Linux; a network namespace on a kernel that shows it only in the first). */
export function readRmemMax(read: (path: string) => string = (path) => readFileSync(path, 'utf8')): number | undefined {
  try {
    const text = read('/proc/sys/net/core/rmem_max').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The line for the user when the buffer was capped. */
export function receiveBufferHint(
  requested: number,
  granted: number | undefined,
  rmemMax: number | undefined,
  platform: NodeJS.Platform = process.platform,
): string {
  const got = granted === undefined ? 'less' : `${granted} bytes`;
  if (platform !== 'linux') {
    return `the kernel granted ${got} for the ${requested}-byte receive buffer requested: raise the OS limit on socket buffers for bursts of answers`;
  }
  const cap = rmemMax === undefined ? 'net.core.rmem_max' : `net.core.rmem_max = ${rmemMax}`;
  return (
    `the kernel granted ${got} for the ${requested}-byte receive buffer requested (capped by ${cap}; ` +
    `Linux grants twice the request), so a burst of answers may be dropped: sysctl -w net.core.rmem_max=${requested}`
  );
}

/** The report for a set of sockets; undefined when there are none (before start, after stop). */
export function summarizeReceiveBuffers(
  requested: number,
  sockets: readonly SocketReceiveBuffer[],
  rmemMax: number | undefined,
  platform: NodeJS.Platform = process.platform,
): ReceiveBufferReport | undefined {
  if (sockets.length === 0) return undefined;
  const sizes = sockets.map((s) => s.granted).filter((g): g is number => g !== undefined);
  const granted = sizes.length === 0 ? undefined : Math.min(...sizes);
  const clamped = sockets.some((s) => s.clamped);
  return {
    requested,
    granted,
    clamped,
    ...(rmemMax === undefined ? {} : { rmemMax }),
    ...(clamped ? { hint: receiveBufferHint(requested, granted, rmemMax, platform) } : {}),
    sockets,
  };
}
