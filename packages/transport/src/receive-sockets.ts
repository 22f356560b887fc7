// The UDP transport's receiving sockets as the kernel sees them: the receive buffer each was granted, and the
// datagrams the kernel dropped for each (kernel-drops.ts). Drops of a socket are read once more just before it
// closes, so the total never goes down when an interface is rebound and keeps its value after stop.
import type dgram from 'node:dgram';
import { readUdpSocketTables, socketInode, type UdpSocketRow } from './kernel-drops.ts';
import { isClamped, readRmemMax, summarizeReceiveBuffers } from './receive-buffer.ts';
import type { ReceiveBufferReport, SocketKernelDrops, SocketReceiveBuffer } from './transport.ts';

export interface ReceiveSocketsComponents {
  /** Reads /proc/net/udp{,6} by inode; undefined where unsupported. Default: readUdpSocketTables. */
  readonly readTables?: () => ReadonlyMap<number, UdpSocketRow> | undefined;
  /** A bound socket's inode. Default: socketInode (via its fd and /proc/self/fd). */
  readonly inodeOf?: (socket: dgram.Socket) => number | undefined;
  readonly readRmemMax?: () => number | undefined;
  readonly platform?: NodeJS.Platform;
}

interface Tracked {
  readonly buffer: SocketReceiveBuffer;
  readonly inode: number | undefined;
}

export class ReceiveSockets {
  private readonly open = new Map<object, Tracked>();
  private readonly readTables: () => ReadonlyMap<number, UdpSocketRow> | undefined;
  private readonly inodeOf: (socket: dgram.Socket) => number | undefined;
  private readonly rmemMax: () => number | undefined;
  private readonly platform: NodeJS.Platform;
  /** Drops of the sockets closed so far. */
  private retired = 0;
  /** A closed socket whose drops could not be read: the total is unknown from then on. */
  private retiredUnknown = false;

  readonly requested: number;

  constructor(requested: number, components: ReceiveSocketsComponents = {}) {
    this.requested = requested;
    this.readTables = components.readTables ?? (() => readUdpSocketTables());
    this.inodeOf = components.inodeOf ?? ((socket) => socketInode(socket));
    this.rmemMax = components.readRmemMax ?? (() => readRmemMax());
    this.platform = components.platform ?? process.platform;
  }

  /** Counts the drops of a socket whose buffer and inode are known (add reads them; the reader thread reports them). */
  addReported(
    key: object,
    label: string,
    interfaceId: string | undefined,
    granted: number | undefined,
    inode: number | undefined,
  ): void {
    this.open.set(key, {
      buffer: {
        socket: label,
        ...(interfaceId === undefined ? {} : { interfaceId }),
        granted,
        clamped: isClamped(this.requested, granted, this.platform),
      },
      inode,
    });
  }

  /** Requests the receive buffer on a bound socket and starts counting its drops. Never throws. */
  add(socket: dgram.Socket, label: string, interfaceId?: string): void {
    try {
      socket.setRecvBufferSize(this.requested);
    } catch {
      // Refused by the kernel: the default buffer still works, with less headroom (the report shows what it is).
    }
    let granted: number | undefined;
    try {
      granted = socket.getRecvBufferSize();
    } catch {
      granted = undefined;
    }
    this.addReported(socket, label, interfaceId, granted, this.inodeOf(socket));
  }

  /** Call before closing sockets: adds their last drop counts to the total and forgets them. */
  retire(sockets: readonly object[]): void {
    const leaving = sockets
      .map((s) => [s, this.open.get(s)] as const)
      .filter((e): e is readonly [object, Tracked] => e[1] !== undefined);
    if (leaving.length === 0) return;
    const tables = this.readTables();
    for (const [socket, tracked] of leaving) {
      const drops = dropsOf(tracked, tables);
      if (drops === undefined) this.retiredUnknown = true;
      else this.retired += drops;
      this.open.delete(socket);
    }
  }

  receiveBuffer(): ReceiveBufferReport | undefined {
    const sockets = [...this.open.values()].map((tracked) => tracked.buffer);
    return summarizeReceiveBuffers(
      this.requested,
      sockets,
      sockets.length === 0 ? undefined : this.rmemMax(),
      this.platform,
    );
  }

  kernelDrops(): number | undefined {
    if (this.retiredUnknown) return undefined;
    const tables = this.readTables();
    if (tables === undefined) return undefined;
    let total = this.retired;
    for (const tracked of this.open.values()) {
      const drops = dropsOf(tracked, tables);
      if (drops === undefined) return undefined;
      total += drops;
    }
    return total;
  }

  bySocket(): readonly SocketKernelDrops[] {
    if (this.open.size === 0) return [];
    const tables = this.readTables();
    return [...this.open.values()].map(({ buffer, ...tracked }) => ({
      socket: buffer.socket,
      ...(buffer.interfaceId === undefined ? {} : { interfaceId: buffer.interfaceId }),
      inode: tracked.inode,
      drops: dropsOf(tracked, tables),
    }));
  }
}

function dropsOf(
  tracked: Pick<Tracked, 'inode'>,
  tables: ReadonlyMap<number, UdpSocketRow> | undefined,
): number | undefined {
  if (tracked.inode === undefined || tables === undefined) return undefined;
  return tables.get(tracked.inode)?.drops;
}
