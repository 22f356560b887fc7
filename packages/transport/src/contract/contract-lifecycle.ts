// The contract's lifecycle and error tests: idempotent start and stop, nothing after stop, throwing and removed
// handlers, typed start and send errors (impossible targets too), IPv6 link-local, the receive buffer and kernel
// drops.
import { expect, it } from 'vitest';
import { normalizeAddress } from '../ip-address.ts';
import { TransportError } from '../errors.ts';
import type { Datagram } from '../transport.ts';
import { encoder, inbox, rejection, sleep, token, waitFor, type ContractContext } from './contract-support.ts';

/** Registers the lifecycle and error tests on the suite's context. */
export function lifecycleTests(ctx: ContractContext): void {
  const { open, first } = ctx;
  it('has an idempotent lifecycle: start twice, stop twice, stop before start is a no-op, no restart', async () => {
    const transport = ctx.harness.hosts[0].create({ port: ctx.harness.port, families: ['IPv4'] });
    ctx.started.push(transport);
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
    await waitFor(() => inDevice.containing(warmup).length > 0, ctx.settleMs * 20, 'the warm-up');

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
      port: ctx.harness.port,
    });
    await sleep(ctx.settleMs * 2);
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
      await waitFor(() => inDevice.containing(t).length > 0, ctx.settleMs * 20, t);
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
    await waitFor(() => control.containing(t).length > 0, ctx.settleMs * 20, t);
    expect(seen).toHaveLength(0);
  });
}

/** Registers the tests of typed errors, IPv6 link-local and the receive buffer on the suite's context. */
export function errorTests(ctx: ContractContext): void {
  const { open, first } = ctx;
  it('fails to start with SSDP_ERR_PORT_IN_USE (and a hint) when a foreign exclusive socket holds the port', async () => {
    const holder = await ctx.harness.hosts[0].occupyPort(ctx.harness.port);
    try {
      const transport = ctx.harness.hosts[0].create({ port: ctx.harness.port, families: ['IPv4'] });
      ctx.started.push(transport);
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
    const transport = ctx.harness.hosts[0].create({
      port: ctx.harness.port,
      families: ['IPv4'],
      interfaces: ['no-such-if9'],
    });
    ctx.started.push(transport);
    const error = await rejection(transport.start());
    expect(error.code).toBe('SSDP_ERR_UNKNOWN_INTERFACE');
    expect(error.toOneLine()).toContain('no-such-if9');

    const ok = await open(0);
    const bad = await rejection(ok.send(encoder.encode('x'), { kind: 'multicast', interfaceId: 'nope/IPv4' }));
    expect(bad.code).toBe('SSDP_ERR_UNKNOWN_INTERFACE');
  });

  it('rejects an impossible send target with SSDP_ERR_INVALID_TARGET: the other family, no broadcast address', async () => {
    const v4 = await open(0);
    const iface = first(v4);
    const bytes = encoder.encode('x');
    const other = await rejection(v4.send(bytes, { kind: 'unicast', interfaceId: iface.id, address: '::1', port: 9 }));
    expect(other.code).toBe('SSDP_ERR_INVALID_TARGET');
    expect(other.toOneLine()).toContain(iface.id);
    if (ctx.harness.ipv6 !== true) return; // the IPv6 half needs an IPv6 link-local interface
    const v6 = await open(1, { families: ['IPv6'] });
    const v6Iface = first(v6);
    const noBroadcast = await rejection(v6.send(bytes, { kind: 'broadcast', interfaceId: v6Iface.id }));
    expect(noBroadcast.code).toBe('SSDP_ERR_INVALID_TARGET');
    expect(noBroadcast.toOneLine()).toContain(v6Iface.id);
    const v4Address = await rejection(
      v6.send(bytes, { kind: 'unicast', interfaceId: v6Iface.id, address: iface.address, port: 9 }),
    );
    expect(v4Address.code).toBe('SSDP_ERR_INVALID_TARGET');
  });

  it('rejects an invalid receiveBufferSize with SSDP_ERR_INVALID_OPTION, when created or at start', async () => {
    let failure: unknown;
    try {
      const transport = ctx.harness.hosts[0].create({
        port: ctx.harness.port,
        families: ['IPv4'],
        receiveBufferSize: 0,
      });
      ctx.started.push(transport);
      await transport.start();
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).code).toBe('SSDP_ERR_INVALID_OPTION');
  });

  it('reports its receive buffer and kernel drops where it has them (optional): only while started, counts that never go down', async () => {
    const transport = ctx.harness.hosts[0].create({
      port: ctx.harness.port,
      families: ['IPv4'],
      receiveBufferSize: 65_536,
    });
    ctx.started.push(transport);
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
}

/** IPv6 across the link: skipped where the harness has no IPv6 link-local interface. */
export function ipv6Tests(ctx: ContractContext): void {
  const { open, first } = ctx;
  it('carries IPv6 link-local multicast and a scoped unicast reply', async (context) => {
    if (ctx.harness.ipv6 !== true) {
      context.skip(`IPv6 link-local: ${ctx.harness.ipv6}`);
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
    await waitFor(() => inDevice.containing(search).length > 0, ctx.settleMs * 20, 'the IPv6 search');
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
    await waitFor(() => inSearcher.containing(reply).length > 0, ctx.settleMs * 20, 'the IPv6 reply');
    expect(inSearcher.containing(reply)[0]?.via).toBe('unicast');
    expect(normalizeAddress(inSearcher.containing(reply)[0]!.remote.address)).toBe(first(device).address);
  });
}
