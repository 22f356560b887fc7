// The contract's delivery tests: multicast, unicast replies, unicast searches, directed broadcast, port sharing.
import { expect, it } from 'vitest';
import { normalizeAddress } from '../ip-address.ts';
import { decoder, encoder, inbox, sleep, token, waitFor, type ContractContext } from './contract-support.ts';

/** Registers the delivery tests on the suite's context. */
export function deliveryTests(ctx: ContractContext): void {
  const { open, first } = ctx;
  it('delivers multicast to every joined transport, flagged multicast, with the arrival interface', async () => {
    const deviceA = await open(0);
    const deviceB = await open(1);
    const sender = await open(2, { unicastPort: 0, joinGroup: false });
    const [inA, inB] = [inbox(deviceA), inbox(deviceB)];
    const search = token('M-SEARCH');

    await sender.send(encoder.encode(search), { kind: 'multicast', interfaceId: first(sender).id });
    await waitFor(
      () => inA.containing(search).length > 0 && inB.containing(search).length > 0,
      ctx.settleMs * 20,
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
    await waitFor(() => inDevice.containing(search).length > 0, ctx.settleMs * 20, 'the search');
    const [request] = inDevice.containing(search);
    await device.send(encoder.encode(reply), {
      kind: 'unicast',
      interfaceId: request!.interfaceId,
      address: request!.remote.address,
      port: request!.remote.port,
    });
    await waitFor(() => inSearcher.containing(reply).length > 0, ctx.settleMs * 20, 'the reply');
    await sleep(ctx.settleMs);

    const [answer] = inSearcher.containing(reply);
    expect(answer?.via).toBe('unicast');
    expect(answer?.interfaceId).toBe(first(searcher).id);
    expect(normalizeAddress(answer!.remote.address)).toBe(first(device).address);
    expect(answer?.remote.port).toBe(ctx.harness.port);
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
      port: ctx.harness.port,
    });
    await waitFor(() => inDevice.containing(search).length > 0, ctx.settleMs * 20, 'the unicast search');
    await sleep(ctx.settleMs);
    expect(inDevice.containing(search).map((d) => d.via)).toEqual(['unicast']);
    expect(inDevice.containing(search)[0]?.interfaceId).toBe(first(device).id);
  });

  it('delivers a directed broadcast flagged broadcast (legacy profile)', async (context) => {
    if (ctx.harness.broadcast !== true) {
      context.skip(`broadcast: ${ctx.harness.broadcast}`);
      return;
    }
    const device = await open(0, { broadcast: true });
    const sender = await open(1, { unicastPort: 0, joinGroup: false });
    const inDevice = inbox(device);
    const notify = token('NOTIFY broadcast');
    expect(first(device).broadcast).toBeDefined();

    await sender.send(encoder.encode(notify), { kind: 'broadcast', interfaceId: first(sender).id });
    await waitFor(() => inDevice.containing(notify).length > 0, ctx.settleMs * 20, 'the broadcast');
    await sleep(ctx.settleMs);
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
      ctx.settleMs * 20,
      'both',
    );
    expect(inOne.containing(search)[0]?.via).toBe('multicast');
    expect(inTwo.containing(search)[0]?.via).toBe('multicast');
  });
}
