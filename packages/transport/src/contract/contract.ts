// The compliance suite every SsdpTransport passes (in the style of js-libp2p's interface-compliance-tests):
// the memory network, real UDP on loopback, and real UDP across network namespaces all run this one file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransportError } from '../errors.ts';
import { normalizeAddress } from '../ip-address.ts';
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

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Inbox {
  readonly received: Datagram[];
  containing(token: string): Datagram[];
}

function inbox(transport: SsdpTransport): Inbox {
  const received: Datagram[] = [];
  transport.onDatagram((datagram) => {
    received.push(datagram);
  });
  return { received, containing: (token) => received.filter((d) => decoder.decode(d.bytes).includes(token)) };
}

async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  }
  throw new Error('expected a rejection');
}

let tokenCounter = 0;
function token(name: string): string {
  tokenCounter += 1;
  return `${name}-${process.pid}-${tokenCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

export function transportContract(label: string, options: ContractOptions): void {
  describe(`SsdpTransport contract: ${label}`, () => {
    let harness: ContractHarness;
    let started: SsdpTransport[] = [];
    let settleMs = 100;

    beforeEach(async () => {
      harness = await options.setup();
      settleMs = harness.settleMs ?? 100;
      started = [];
    });

    afterEach(async () => {
      await Promise.allSettled(started.map((t) => t.stop()));
      await options.teardown(harness);
    });

    /** Creates and starts a transport on host `index`; the suite stops it after the test. */
    async function open(index: 0 | 1 | 2, init: Partial<TransportOptions> = {}): Promise<SsdpTransport> {
      const transport = harness.hosts[index].create({ port: harness.port, families: ['IPv4'], ...init });
      started.push(transport);
      await transport.start();
      return transport;
    }

    const first = (transport: SsdpTransport) => {
      const iface = transport.interfaces[0];
      if (iface === undefined) throw new Error('a started transport has at least one interface');
      return iface;
    };

    it('delivers multicast to every joined transport, flagged multicast, with the arrival interface', async () => {
      const deviceA = await open(0);
      const deviceB = await open(1);
      const sender = await open(2, { unicastPort: 0, joinGroup: false });
      const [inA, inB] = [inbox(deviceA), inbox(deviceB)];
      const search = token('M-SEARCH');

      await sender.send(encoder.encode(search), { kind: 'multicast', interfaceId: first(sender).id });
      await waitFor(
        () => inA.containing(search).length > 0 && inB.containing(search).length > 0,
        settleMs * 20,
        'multicast',
      );

      for (const [device, box] of [
        [deviceA, inA],
        [deviceB, inB],
      ] as const) {
        const [datagram] = box.containing(search);
        expect(datagram?.via).toBe('multicast');
        expect(datagram?.interfaceId).toBe(first(device).id);
        expect(normalizeAddress(datagram!.remote.address)).toBe(first(sender).address);
        expect(datagram?.remote.port).toBe(first(sender).unicastPort);
        expect(decoder.decode(datagram!.bytes)).toBe(search);
      }
    });

    it('sends a unicast reply through the arrival interface to its target only, flagged unicast', async () => {
      const device = await open(0);
      const searcher = await open(1, { unicastPort: 0 });
      const bystander = await open(2, { unicastPort: 0 });
      const [inDevice, inSearcher, inBystander] = [inbox(device), inbox(searcher), inbox(bystander)];
      const search = token('M-SEARCH');
      const reply = token('HTTP/1.1 200 OK');

      await searcher.send(encoder.encode(search), { kind: 'multicast', interfaceId: first(searcher).id });
      await waitFor(() => inDevice.containing(search).length > 0, settleMs * 20, 'the search');
      const [request] = inDevice.containing(search);
      await device.send(encoder.encode(reply), {
        kind: 'unicast',
        interfaceId: request!.interfaceId,
        address: request!.remote.address,
        port: request!.remote.port,
      });
      await waitFor(() => inSearcher.containing(reply).length > 0, settleMs * 20, 'the reply');
      await sleep(settleMs);

      const [answer] = inSearcher.containing(reply);
      expect(answer?.via).toBe('unicast');
      expect(answer?.interfaceId).toBe(first(searcher).id);
      expect(normalizeAddress(answer!.remote.address)).toBe(first(device).address);
      expect(answer?.remote.port).toBe(harness.port);
      expect(inSearcher.containing(reply)).toHaveLength(1);
      expect(inBystander.containing(reply)).toHaveLength(0);
      expect(inDevice.containing(reply)).toHaveLength(0);
      // The bystander is joined, so it did see the multicast search: it is alive, it just got no reply.
      expect(inBystander.containing(search).length).toBeGreaterThan(0);
    });

    it('flags a unicast M-SEARCH to the device port as unicast (no multicast copy)', async () => {
      const device = await open(0);
      const searcher = await open(1, { unicastPort: 0, joinGroup: false });
      const inDevice = inbox(device);
      const search = token('M-SEARCH unicast');

      await searcher.send(encoder.encode(search), {
        kind: 'unicast',
        interfaceId: first(searcher).id,
        address: first(device).address,
        port: harness.port,
      });
      await waitFor(() => inDevice.containing(search).length > 0, settleMs * 20, 'the unicast search');
      await sleep(settleMs);
      expect(inDevice.containing(search).map((d) => d.via)).toEqual(['unicast']);
      expect(inDevice.containing(search)[0]?.interfaceId).toBe(first(device).id);
    });

    it('delivers a directed broadcast flagged broadcast (legacy profile)', async (context) => {
      if (harness.broadcast !== true) {
        context.skip(`broadcast: ${harness.broadcast}`);
        return;
      }
      const device = await open(0, { broadcast: true });
      const sender = await open(1, { unicastPort: 0, joinGroup: false });
      const inDevice = inbox(device);
      const notify = token('NOTIFY broadcast');
      expect(first(device).broadcast).toBeDefined();

      await sender.send(encoder.encode(notify), { kind: 'broadcast', interfaceId: first(sender).id });
      await waitFor(() => inDevice.containing(notify).length > 0, settleMs * 20, 'the broadcast');
      await sleep(settleMs);
      expect(inDevice.containing(notify).map((d) => d.via)).toEqual(['broadcast']);
      expect(inDevice.containing(notify)[0]?.interfaceId).toBe(first(device).id);
      expect(normalizeAddress(inDevice.containing(notify)[0]!.remote.address)).toBe(first(sender).address);
    });

    it('lets two of our transports share the port on one host: both receive one multicast search', async () => {
      const one = await open(0);
      const two = await open(0);
      const searcher = await open(1, { unicastPort: 0, joinGroup: false });
      const [inOne, inTwo] = [inbox(one), inbox(two)];
      const search = token('M-SEARCH shared');

      await searcher.send(encoder.encode(search), { kind: 'multicast', interfaceId: first(searcher).id });
      await waitFor(
        () => inOne.containing(search).length > 0 && inTwo.containing(search).length > 0,
        settleMs * 20,
        'both',
      );
      expect(inOne.containing(search)[0]?.via).toBe('multicast');
      expect(inTwo.containing(search)[0]?.via).toBe('multicast');
    });

    it('has an idempotent lifecycle: start twice, stop twice, stop before start is a no-op, no restart', async () => {
      const transport = harness.hosts[0].create({ port: harness.port, families: ['IPv4'] });
      started.push(transport);
      expect(transport.interfaces).toEqual([]);
      await transport.stop();
      expect(
        (await rejection(transport.send(encoder.encode('x'), { kind: 'multicast', interfaceId: 'lo/IPv4' }))).code,
      ).toBe('SSDP_ERR_NOT_STARTED');

      await Promise.all([transport.start(), transport.start()]);
      await transport.start();
      expect(transport.interfaces.length).toBeGreaterThan(0);
      const ids = transport.interfaces.map((i) => i.id);
      expect(new Set(ids).size).toBe(ids.length);

      await Promise.all([transport.stop(), transport.stop()]);
      await transport.stop();
      expect(transport.interfaces).toEqual([]);
      expect(
        (await rejection(transport.send(encoder.encode('x'), { kind: 'multicast', interfaceId: ids[0]! }))).code,
      ).toBe('SSDP_ERR_TRANSPORT_STOPPED');
      expect((await rejection(transport.start())).code).toBe('SSDP_ERR_TRANSPORT_STOPPED');
    });

    it('delivers nothing after stop, not even datagrams already on their way', async () => {
      const device = await open(0);
      const sender = await open(1, { unicastPort: 0, joinGroup: false });
      const inDevice = inbox(device);
      const address = first(device).address;
      const warmup = token('warmup');
      await sender.send(encoder.encode(warmup), { kind: 'multicast', interfaceId: first(sender).id });
      await waitFor(() => inDevice.containing(warmup).length > 0, settleMs * 20, 'the warm-up');

      // A datagram still on its way when stop() is called may have arrived before (fine) but never after.
      let stopCalled = false;
      const afterStop: Datagram[] = [];
      device.onDatagram((d) => {
        if (stopCalled) afterStop.push(d);
      });
      const late = token('late');
      await sender.send(encoder.encode(late), { kind: 'multicast', interfaceId: first(sender).id });
      stopCalled = true;
      await device.stop();
      const after = token('after');
      await sender.send(encoder.encode(after), { kind: 'multicast', interfaceId: first(sender).id });
      await sender.send(encoder.encode(after), {
        kind: 'unicast',
        interfaceId: first(sender).id,
        address,
        port: harness.port,
      });
      await sleep(settleMs * 2);
      expect(afterStop).toEqual([]);
      expect(inDevice.containing(after)).toHaveLength(0);
    });

    it('survives a throwing handler: the error is reported and the other handlers keep receiving', async () => {
      const device = await open(0);
      const sender = await open(1, { unicastPort: 0, joinGroup: false });
      const reported: TransportError[] = [];
      device.onError((error) => reported.push(error));
      device.onDatagram(() => {
        throw new Error('handler bug');
      });
      const inDevice = inbox(device);
      const unsubscribed = inbox(device);
      const tokens = [token('one'), token('two')];
      for (const t of tokens) {
        await sender.send(encoder.encode(t), { kind: 'multicast', interfaceId: first(sender).id });
        await waitFor(() => inDevice.containing(t).length > 0, settleMs * 20, t);
      }
      expect(reported.length).toBeGreaterThanOrEqual(2);
      expect(reported[0]?.code).toBe('SSDP_ERR_HANDLER_FAILED');
      expect(unsubscribed.received.length).toBeGreaterThanOrEqual(2);
    });

    it('stops delivering to an unsubscribed handler', async () => {
      const device = await open(0);
      const sender = await open(1, { unicastPort: 0, joinGroup: false });
      const seen: Datagram[] = [];
      const unsubscribe = device.onDatagram((d) => seen.push(d));
      const control = inbox(device);
      unsubscribe();
      const t = token('unsubscribed');
      await sender.send(encoder.encode(t), { kind: 'multicast', interfaceId: first(sender).id });
      await waitFor(() => control.containing(t).length > 0, settleMs * 20, t);
      expect(seen).toHaveLength(0);
    });

    it('fails to start with SSDP_ERR_PORT_IN_USE (and a hint) when a foreign exclusive socket holds the port', async () => {
      const holder = await harness.hosts[0].occupyPort(harness.port);
      try {
        const transport = harness.hosts[0].create({ port: harness.port, families: ['IPv4'] });
        started.push(transport);
        const error = await rejection(transport.start());
        expect(error.code).toBe('SSDP_ERR_PORT_IN_USE');
        expect(error.toOneLine()).toMatch(/^SSDP_ERR_PORT_IN_USE: .*SO_REUSEADDR/);
        expect(error.toOneLine()).not.toContain('\n');
        expect(transport.interfaces).toEqual([]);
      } finally {
        await holder.release();
      }
      // Once the foreign socket is gone, the port can be bound again.
      const retry = await open(0);
      expect(retry.interfaces.length).toBeGreaterThan(0);
    });

    it('rejects an unknown interface at start and an unknown interface id at send, with typed errors', async () => {
      const transport = harness.hosts[0].create({
        port: harness.port,
        families: ['IPv4'],
        interfaces: ['no-such-if9'],
      });
      started.push(transport);
      const error = await rejection(transport.start());
      expect(error.code).toBe('SSDP_ERR_UNKNOWN_INTERFACE');
      expect(error.toOneLine()).toContain('no-such-if9');

      const ok = await open(0);
      const bad = await rejection(ok.send(encoder.encode('x'), { kind: 'multicast', interfaceId: 'nope/IPv4' }));
      expect(bad.code).toBe('SSDP_ERR_UNKNOWN_INTERFACE');
    });

    it('carries IPv6 link-local multicast and a scoped unicast reply', async (context) => {
      if (harness.ipv6 !== true) {
        context.skip(`IPv6 link-local: ${harness.ipv6}`);
        return;
      }
      const device = await open(0, { families: ['IPv6'] });
      const searcher = await open(1, { families: ['IPv6'], unicastPort: 0 });
      const [inDevice, inSearcher] = [inbox(device), inbox(searcher)];
      expect(first(device).family).toBe('IPv6');
      expect(first(device).address).toMatch(/^fe80:/);
      expect(first(device).scopeId).toBeGreaterThan(0);

      const search = token('M-SEARCH v6');
      await searcher.send(encoder.encode(search), { kind: 'multicast', interfaceId: first(searcher).id });
      await waitFor(() => inDevice.containing(search).length > 0, settleMs * 20, 'the IPv6 search');
      const [request] = inDevice.containing(search);
      expect(request?.via).toBe('multicast');
      expect(request?.interfaceId).toBe(first(device).id);
      expect(request?.remote.family).toBe('IPv6');
      expect(request?.remote.address).toMatch(/^fe80:.*%.+$/);

      const reply = token('HTTP/1.1 200 OK v6');
      await device.send(encoder.encode(reply), {
        kind: 'unicast',
        interfaceId: request!.interfaceId,
        address: request!.remote.address,
        port: request!.remote.port,
      });
      await waitFor(() => inSearcher.containing(reply).length > 0, settleMs * 20, 'the IPv6 reply');
      expect(inSearcher.containing(reply)[0]?.via).toBe('unicast');
      expect(normalizeAddress(inSearcher.containing(reply)[0]!.remote.address)).toBe(first(device).address);
    });

    it('rejects an invalid receiveBufferSize with SSDP_ERR_INVALID_OPTION, when created or at start', async () => {
      let failure: unknown;
      try {
        const transport = harness.hosts[0].create({ port: harness.port, families: ['IPv4'], receiveBufferSize: 0 });
        started.push(transport);
        await transport.start();
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(TransportError);
      expect((failure as TransportError).code).toBe('SSDP_ERR_INVALID_OPTION');
    });

    it('reports its receive buffer and kernel drops where it has them (optional): only while started, counts that never go down', async () => {
      const transport = harness.hosts[0].create({ port: harness.port, families: ['IPv4'], receiveBufferSize: 65_536 });
      started.push(transport);
      expect(transport.receiveBuffer?.()).toBeUndefined();
      await transport.start();
      const report = transport.receiveBuffer?.();
      if (transport.receiveBuffer !== undefined) {
        expect(report?.requested).toBe(65_536);
        expect(report?.sockets.length).toBeGreaterThan(0);
        expect(report?.clamped).toBe(report?.sockets.some((s) => s.clamped));
        expect(report?.hint !== undefined).toBe(report?.clamped);
      }
      const drops = transport.kernelDrops?.();
      expect(drops === undefined || (Number.isInteger(drops) && drops >= 0)).toBe(true);
      for (const socket of transport.kernelDropsBySocket?.() ?? [])
        expect(socket.drops === undefined || socket.drops >= 0).toBe(true);
      await transport.stop();
      expect(transport.receiveBuffer?.()).toBeUndefined();
      expect(transport.kernelDropsBySocket?.() ?? []).toEqual([]);
      if (drops !== undefined) expect(transport.kernelDrops?.()).toBeGreaterThanOrEqual(drops);
    });
  });
}
