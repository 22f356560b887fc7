// The contract between the SSDP apps and a transport. The apps use this and nothing else, so a test can hand
// them an in-memory network and the real program hands them UDP. Both implementations pass testing/contract.ts.
import type { TransportError } from './errors.ts';

export type AddressFamily = 'IPv4' | 'IPv6';

/** How a datagram reached us: to the SSDP group, to a (directed) broadcast address, or to our own address. */
export type Via = 'multicast' | 'broadcast' | 'unicast';

/** One bound interface (one address of one family on one network interface). */
export interface TransportInterface {
  /** Stable for the life of the transport, also across an address change: `<name>/<family>` (e.g. `eth0/IPv4`). */
  readonly id: string;
  /** The OS interface name (`eth0`, `lo`). */
  readonly name: string;
  readonly family: AddressFamily;
  /** The local address; for IPv6 link-local without the `%scope` suffix (see `scopeId`). */
  readonly address: string;
  readonly netmask: string;
  readonly prefixLength: number;
  /** IPv4 directed broadcast address (e.g. 192.168.0.255); undefined for IPv6. */
  readonly broadcast?: string;
  /** IPv6 scope id (interface index) of a link-local address; undefined otherwise. */
  readonly scopeId?: number;
  /** True for loopback. */
  readonly internal: boolean;
  /** The local port of this interface's unicast socket (what a unicast reply to us must target). */
  readonly unicastPort: number;
}

export interface RemoteEndpoint {
  /** IPv6 link-local addresses carry `%<interface name>`, so they can be answered as they are. */
  readonly address: string;
  readonly port: number;
  readonly family: AddressFamily;
}

export interface Datagram {
  readonly bytes: Uint8Array;
  readonly remote: RemoteEndpoint;
  /** The id of the bound interface it arrived on (see `SsdpTransport.interfaces`). */
  readonly interfaceId: string;
  readonly via: Via;
}

export type SendTarget =
  /** To the SSDP group of the interface's family (239.255.255.250, or ff02::c with the interface's scope). */
  | { readonly kind: 'multicast'; readonly interfaceId: string; readonly group?: 'link-local' | 'site-local' }
  /** To one endpoint, leaving through the unicast socket of `interfaceId` (the interface the request came in on). */
  | { readonly kind: 'unicast'; readonly interfaceId: string; readonly address: string; readonly port: number }
  /** Legacy profile: IPv4 directed broadcast; `address` defaults to the interface's broadcast address. */
  | { readonly kind: 'broadcast'; readonly interfaceId: string; readonly address?: string; readonly port?: number };

export interface InterfacesChange {
  readonly added: readonly TransportInterface[];
  readonly removed: readonly TransportInterface[];
  /** Same id, new address (or netmask): a device sends ssdp:update with NEXTBOOTID for these. */
  readonly changed: readonly { readonly previous: TransportInterface; readonly current: TransportInterface }[];
}

export interface TransportOptions {
  /**
   * `--interface` values: an interface name, an address, or `all` (every non-internal up interface).
   * Default: loopback only (127.0.0.1, plus ::1 when IPv6 is requested and usable).
   */
  readonly interfaces?: readonly string[];
  /** Families to use. Default: IPv4, plus IPv6 where a chosen interface has it and can multicast. */
  readonly families?: readonly AddressFamily[];
  /** The SSDP port: the group port, the broadcast port and the port multicast is sent to. Default 1900. */
  readonly port?: number;
  /**
   * Local port of each interface's unicast socket (the source port of everything we send). Default: `port`, as a
   * device needs for unicast M-SEARCH to ip:1900. 0 picks an ephemeral port (a controller's search socket).
   */
  readonly unicastPort?: number;
  /** Join the SSDP group(s) and receive multicast. Devices and passive controllers do. Default true. */
  readonly joinGroup?: boolean;
  /** Also join (and allow sending to) FF05::C. Default false. */
  readonly ipv6SiteLocal?: boolean;
  /** Legacy profile: receive directed broadcast on each IPv4 interface's broadcast address. Default false. */
  readonly broadcast?: boolean;
  /** Multicast TTL / hop limit. Default 2 (UDA 1.1). */
  readonly multicastTtl?: number;
  /** Loop our multicast back to this host, so processes on one host see each other. Default true. */
  readonly multicastLoopback?: boolean;
  /**
   * SO_RCVBUF requested for every receiving socket, in bytes: an integer from 1 to 512 MiB (RECEIVE_BUFFER_SIZE_MAX),
   * else creating the transport throws SSDP_ERR_INVALID_OPTION. Default 4 MiB (DEFAULT_RECEIVE_BUFFER_SIZE). Linux
   * grants twice the request (its bookkeeping counts), capped at 2 × net.core.rmem_max: see `receiveBuffer()`.
   */
  readonly receiveBufferSize?: number;
  /** How often to look for interface changes, in ms. 0 disables. */
  readonly interfacePollMs?: number;
  /**
   * Read the unicast sockets (where the answers to our searches arrive) on a worker thread that only copies each
   * datagram into a shared ring, so a burst of answers is read as fast as a bare socket reads it whatever the event
   * loop is doing, at the cost of 4-6 ms of latency (README: readInWorker). Default false. The ring is
   * `readerRingBytes` (default 32 MiB, 64 KiB..512 MiB; light traffic keeps to its first MiB, a burst touches what
   * it needs); a datagram that finds it full is dropped and reported on onError.
   */
  readonly readInWorker?: boolean;
  readonly readerRingBytes?: number;
}

export type Unsubscribe = () => void;

/** What the kernel granted one receiving socket. */
export interface SocketReceiveBuffer {
  /** Which socket: `unicast 10.0.0.2:1900`, `group 239.255.255.250:1900`, `broadcast 10.0.0.255:1900`. */
  readonly socket: string;
  /** The interface it receives for; absent for a per-family group socket, which serves every interface of its family. */
  readonly interfaceId?: string;
  /** SO_RCVBUF as the kernel reports it after our request (Node's getRecvBufferSize()); undefined if unreadable. */
  readonly granted: number | undefined;
  /** The kernel gave less than asked (Linux: granted < 2 × requested, because of net.core.rmem_max). */
  readonly clamped: boolean;
}

export interface ReceiveBufferReport {
  /** The SO_RCVBUF request in bytes (`receiveBufferSize`). */
  readonly requested: number;
  /** The smallest size granted over our sockets (on Linux twice what was used of the request); undefined if none known. */
  readonly granted: number | undefined;
  /** Whether any socket got less than asked. */
  readonly clamped: boolean;
  /** net.core.rmem_max in bytes, when readable (Linux; some kernels show it only in the initial network namespace). */
  readonly rmemMax?: number;
  /** When clamped, one line for the user that names the sysctl raising the cap (`sysctl -w net.core.rmem_max=...`). */
  readonly hint?: string;
  readonly sockets: readonly SocketReceiveBuffer[];
}

/** Kernel drops of one receiving socket. */
export interface SocketKernelDrops {
  /** As in SocketReceiveBuffer. */
  readonly socket: string;
  readonly interfaceId?: string;
  /** The socket's inode (its /proc/net/udp row); undefined when its file descriptor could not be found. */
  readonly inode: number | undefined;
  /** The row's `drops` column; undefined when the socket or its row could not be read. */
  readonly drops: number | undefined;
}

export interface SsdpTransport {
  /** Binds the sockets and joins the groups. Idempotent; rejects with a TransportError. Not restartable after stop. */
  start(): Promise<void>;
  /** Waits for pending sends, then closes everything. Idempotent; a no-op before start. Nothing is delivered after. */
  stop(): Promise<void>;
  /** The bound interfaces (empty before start and after stop). */
  readonly interfaces: readonly TransportInterface[];
  /** Subscribe to incoming datagrams. A handler that throws is reported through onError, never kills the transport. */
  onDatagram(handler: (datagram: Datagram) => void): Unsubscribe;
  /** Interfaces that went away, came (back) or changed address after start. */
  onInterfacesChanged(handler: (change: InterfacesChange) => void): Unsubscribe;
  /** Errors that happen outside a call: a throwing handler, a socket error, a failed rebind. */
  onError(handler: (error: TransportError) => void): Unsubscribe;
  /** Resolves once the datagram is handed to the network; rejects with a TransportError. */
  send(bytes: Uint8Array, target: SendTarget): Promise<void>;
  /**
   * The receive buffer requested and what the kernel granted each socket; undefined before start and after stop.
   * Optional: a transport that cannot tell (a remote adapter) leaves it out. Never throws, never prints.
   */
  receiveBuffer?(): ReceiveBufferReport | undefined;
  /**
   * Datagrams the kernel dropped for our sockets since start (a full receive buffer: the datagrams that never
   * reached onDatagram), summed over every socket this transport opened, closed ones included, so it never goes
   * down and keeps its final value after stop. Undefined where it cannot be counted (not Linux, no /proc, a socket
   * whose fd or row could not be found). Optional like receiveBuffer. Reads /proc on each call; never throws.
   */
  kernelDrops?(): number | undefined;
  /** kernelDrops() per open socket (closed sockets are in the sum only); empty before start and after stop. */
  kernelDropsBySocket?(): readonly SocketKernelDrops[];
}
