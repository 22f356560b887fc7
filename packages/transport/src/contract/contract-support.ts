// What the compliance suite's tests share: the harness types, a per-test context (the harness, the transports to
// stop, `open` and `first`), and small helpers to wait for datagrams.
import { afterEach, beforeEach, expect } from 'vitest';
import { TransportError } from '../errors.ts';
import type { AddressFamily, Datagram, SsdpTransport, TransportOptions } from '../transport.ts';

export interface ContractHost {
  /** A transport on this host, not started. The harness fills in `interfaces` (unless given) for `families`. */
  create(options: TransportOptions & { readonly families: readonly AddressFamily[] }): SsdpTransport;
  /** Holds `port` on this host's interface address with a foreign socket without SO_REUSEADDR. */
  occupyPort(port: number): Promise<{ release(): Promise<void> }>;
}

export interface ContractHarness {
  /** Three hosts on one link (on loopback they are all this host). */
  readonly hosts: readonly [ContractHost, ContractHost, ContractHost];
  /** An SSDP port that is free on every host for this test. */
  readonly port: number;
  /** Longest time a datagram may take to arrive (and the time we wait before claiming that nothing came). */
  readonly settleMs?: number;
  /** Whether IPv6 link-local works here; a string says why not, and the IPv6 tests skip with it. */
  readonly ipv6: true | string;
  /** Whether IPv4 directed broadcast works here; a string says why not. */
  readonly broadcast: true | string;
}

export interface ContractOptions {
  /** Called before each test. */
  setup(): Promise<ContractHarness>;
  /** Called after each test, after the suite has stopped every transport it started. */
  teardown(harness: ContractHarness): Promise<void>;
}

export const encoder = new TextEncoder();
export const decoder = new TextDecoder();

interface Inbox {
  readonly received: Datagram[];
  containing(token: string): Datagram[];
}

export function inbox(transport: SsdpTransport): Inbox {
  const received: Datagram[] = [];
  transport.onDatagram((datagram) => {
    received.push(datagram);
  });
  return { received, containing: (token) => received.filter((d) => decoder.decode(d.bytes).includes(token)) };
}

export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  }
  throw new Error('expected a rejection');
}

let tokenCounter = 0;
export function token(name: string): string {
  tokenCounter += 1;
  return `${name}-${process.pid}-${tokenCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The state of the running test, renewed before each one. */
export interface ContractContext {
  harness: ContractHarness;
  started: SsdpTransport[];
  settleMs: number;
  /** Creates and starts a transport on host `index`; the suite stops it after the test. */
  open(index: 0 | 1 | 2, init?: Partial<TransportOptions>): Promise<SsdpTransport>;
  /** A started transport's first interface. */
  first(transport: SsdpTransport): ReturnType<typeof firstInterface>;
}

function firstInterface(transport: SsdpTransport) {
  const iface = transport.interfaces[0];
  if (iface === undefined) throw new Error('a started transport has at least one interface');
  return iface;
}

/** Registers the suite's hooks (inside its describe) and returns the context they keep current. */
export function contractContext(options: ContractOptions): ContractContext {
  const ctx: ContractContext = {
    harness: undefined as unknown as ContractHarness,
    started: [],
    settleMs: 100,
    async open(index, init = {}) {
      const transport = ctx.harness.hosts[index].create({ port: ctx.harness.port, families: ['IPv4'], ...init });
      ctx.started.push(transport);
      await transport.start();
      return transport;
    },
    first: firstInterface,
  };
  beforeEach(async () => {
    ctx.harness = await options.setup();
    ctx.settleMs = ctx.harness.settleMs ?? 100;
    ctx.started = [];
  });
  afterEach(async () => {
    await Promise.allSettled(ctx.started.map((t) => t.stop()));
    await options.teardown(ctx.harness);
  });
  return ctx;
}
