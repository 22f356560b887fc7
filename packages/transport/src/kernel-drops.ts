// Kernel receive-buffer drops of our own UDP sockets, read from Linux's /proc/net/udp and /proc/net/udp6.
//
// Each line of those tables is one socket of this network namespace, with its inode and a `drops` column (datagrams
// the kernel threw away for that socket, mostly because its receive buffer was full: the socket's share of
// UdpRcvbufErrors). A socket is ours when its inode is the one behind our file descriptor: `/proc/self/fd/<fd>`
// links to `socket:[<inode>]`. Node does not expose a dgram socket's fd publicly, so `socketInode` reads it from the
// socket's internal state (without `_handle`, whose getter prints a deprecation warning) and gives up quietly.
import { readFileSync, readlinkSync } from 'node:fs';
import type dgram from 'node:dgram';

export const PROC_NET_UDP_FILES: readonly string[] = ['/proc/net/udp', '/proc/net/udp6'];

/** One socket's row of /proc/net/udp{,6}: what we use of it. */
export interface UdpSocketRow {
  readonly inode: number;
  /** `address:port` as the table shows it (hex, in the kernel's byte order). */
  readonly local: string;
  /** Bytes waiting in the receive queue. */
  readonly rxQueue: number;
  /** Datagrams the kernel dropped for this socket (receive buffer full, and the rarer per-socket drops). */
  readonly drops: number;
}

// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops
const INODE_COLUMN = 9;
const DROPS_COLUMN = 12;

/** Parses the text of /proc/net/udp or /proc/net/udp6 (header line included) into rows by inode. Pure. */
export function parseUdpSocketTable(text: string): Map<number, UdpSocketRow> {
  const rows = new Map<number, UdpSocketRow>();
  for (const line of text.split('\n')) {
    const columns = line.trim().split(/\s+/);
    if (columns.length <= DROPS_COLUMN || !/^\d+:$/.test(columns[0] ?? '')) continue;
    const inode = decimal(columns[INODE_COLUMN]);
    const drops = decimal(columns[DROPS_COLUMN]);
    const rxQueue = Number.parseInt(columns[4]?.split(':')[1] ?? '', 16);
    if (inode === undefined || inode === 0 || drops === undefined) continue;
    rows.set(inode, { inode, local: columns[1] ?? '', rxQueue: Number.isNaN(rxQueue) ? 0 : rxQueue, drops });
  }
  return rows;
}

function decimal(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

export type ReadText = (path: string) => string;

const readText: ReadText = (path) => readFileSync(path, 'utf8');

/**
 * Reads both tables. Undefined when neither is readable (not Linux, no /proc); a missing udp6 (IPv6 disabled) is
 * fine. Never throws.
 */
export function readUdpSocketTables(
  read: ReadText = readText,
  files: readonly string[] = PROC_NET_UDP_FILES,
): Map<number, UdpSocketRow> | undefined {
  let rows: Map<number, UdpSocketRow> | undefined;
  for (const file of files) {
    let text: string;
    try {
      text = read(file);
    } catch {
      continue;
    }
    rows ??= new Map();
    for (const [inode, row] of parseUdpSocketTable(text)) rows.set(inode, row);
  }
  return rows;
}

/** Parses the target of a /proc/<pid>/fd link: `socket:[12345]` -> 12345. Pure. */
export function parseSocketLink(link: string): number | undefined {
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match === null ? undefined : Number(match[1]);
}

/** The file descriptor of a bound dgram socket, from Node's internal state; undefined where Node hides it. */
export function socketFd(socket: dgram.Socket): number | undefined {
  try {
    const key = Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'state symbol');
    if (key === undefined) return undefined;
    const state = (socket as unknown as Record<symbol, { handle?: { fd?: unknown } | null } | undefined>)[key];
    const fd = state?.handle?.fd;
    return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : undefined;
  } catch {
    return undefined;
  }
}

/** The inode of a bound dgram socket (what /proc/net/udp lists it under); undefined when it cannot be found. */
export function socketInode(
  socket: dgram.Socket,
  readLink: (path: string) => string = readlinkSync,
): number | undefined {
  return fdInode(socketFd(socket), readLink);
}

/** The inode of the socket behind file descriptor `fd` of this process; undefined when it cannot be found. */
export function fdInode(fd: number | undefined, readLink: (path: string) => string = readlinkSync): number | undefined {
  if (fd === undefined) return undefined;
  try {
    return parseSocketLink(readLink(`/proc/self/fd/${fd}`));
  } catch {
    return undefined;
  }
}
