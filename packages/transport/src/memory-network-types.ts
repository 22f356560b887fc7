// The in-memory network's shapes: link conditions, the public records of what was sent and dropped, and the
// host's internal state (bindings and interfaces) shared by the network's router and its hosts.
import type { Clock } from '@ssdp/runtime';
import type { AddressFamily, RemoteEndpoint, Via } from './transport.ts';

export interface LinkConditions {
  /** Base one-way delay in ms. Default 0 (still asynchronous: delivered on the next clock tick). */
  readonly latencyMs?: number;
  /** Extra uniform random delay in [0, jitterMs). */
  readonly jitterMs?: number;
  /** Probability that one delivery is lost. */
  readonly loss?: number;
  /** Probability that one delivery arrives twice. */
  readonly duplicate?: number;
  /** Probability that one delivery is held back by reorderDelayMs, so later datagrams overtake it. */
  readonly reorder?: number;
  readonly reorderDelayMs?: number;
  /**
   * A receive buffer, in datagrams: the most one socket may hold undelivered (scheduled, not yet handed to it).
   * Beyond it a datagram is dropped as a full SO_RCVBUF drops it: counted on that socket (the memory transport's
   * `kernelDrops()`) and under `dropped['receive-buffer']`. Default: unlimited.
   */
  readonly receiveQueue?: number;
}

export interface MemoryNetworkInit extends LinkConditions {
  readonly clock?: Clock;
  /** Seed of the random source (default 1); ignored when `random` is given. */
  readonly seed?: number;
  readonly random?: () => number;
}

export interface MemoryInterfaceInit {
  readonly name: string;
  /** The link (L2 segment) it is plugged into; multicast and broadcast stay on one link. */
  readonly link: string;
  /** IPv4 address with prefix, e.g. `10.0.0.2/24`. */
  readonly ipv4?: string;
  /** IPv6 addresses with prefix, e.g. `fe80::2/64`, `fd00::2/64`. */
  readonly ipv6?: readonly string[];
}

export type DropReason = 'loss' | 'no-listener' | 'no-route' | 'closed' | 'interface-down' | 'receive-buffer';

export interface MemoryStats {
  sent: number;
  delivered: number;
  duplicated: number;
  dropped: Record<DropReason, number>;
}

export interface SentRecord {
  readonly at: number;
  readonly host: string;
  readonly interfaceName: string;
  readonly from: { readonly address: string; readonly port: number };
  readonly to: { readonly address: string; readonly port: number };
  readonly via: Via;
  readonly bytes: Uint8Array;
  /** Hosts a copy was scheduled for (before loss), e.g. `['b', 'c']`. */
  readonly recipients: readonly string[];
}

export interface MemoryPacket {
  readonly bytes: Uint8Array;
  readonly remote: RemoteEndpoint;
  readonly via: Via;
}

/** A socket-like endpoint of one host, as a transport registers it. */
export type BindingSpec =
  | {
      readonly kind: 'unicast';
      readonly family: AddressFamily;
      readonly address: string;
      readonly port: number;
      readonly reuse: boolean;
    }
  | { readonly kind: 'group'; readonly interfaceName: string; readonly group: string; readonly port: number }
  | { readonly kind: 'broadcast'; readonly interfaceName: string; readonly address: string; readonly port: number };

export interface Binding {
  readonly port: number;
  /** Datagrams dropped for this socket because its receive queue was full (see `LinkConditions.receiveQueue`). */
  readonly drops: number;
  close(): void;
}

export interface BindingEntry {
  readonly spec: BindingSpec;
  readonly port: number;
  readonly order: number;
  readonly receive: (packet: MemoryPacket) => void;
  open: boolean;
  /** Deliveries scheduled and not yet handed over. */
  queued: number;
  drops: number;
}

export interface InterfaceAddressState {
  address: string;
  prefixLength: number;
  family: AddressFamily;
}

export interface InterfaceState {
  readonly name: string;
  readonly link: string;
  readonly internal: boolean;
  readonly index: number;
  up: boolean;
  addresses: InterfaceAddressState[];
}
