import type { Datagram } from '@ssdp/transport';
import { describe, expect, it } from 'vitest';
import { createReceiveLoop, type ReceiveLoopInit } from '../src/receive-loop.ts';

function datagram(n: number): Datagram {
  return {
    bytes: new Uint8Array([n & 255]),
    remote: { address: '10.0.0.2', port: 1900, family: 'IPv4' },
    interfaceId: 'eth0/IPv4',
    via: 'unicast',
  };
}

/** A loop whose turns run only when the test says (`turn()`), on a clock the test moves. */
function harness(init: ReceiveLoopInit = {}, costMs = 0) {
  const turns: (() => void)[] = [];
  let clock = 0;
  const handled: number[] = [];
  const overflowed: number[] = [];
  const log: string[] = [];
  const loop = createReceiveLoop(init, {
    handle: (d, receivedAt) => {
      handled.push(d.bytes[0]!);
      log.push(`d${d.bytes[0]!}@${receivedAt}`);
      clock += costMs;
    },
    onOverflow: (d) => overflowed.push(d.bytes[0]!),
    now: () => clock,
    defer: (turn) => turns.push(turn),
  });
  return {
    loop,
    handled,
    overflowed,
    log,
    turns,
    /** Runs the pending turn (there is at most one). */
    turn() {
      expect(turns.length).toBeLessThanOrEqual(1);
      turns.shift()?.();
    },
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe('the receive loop', () => {
  it('only queues on receive: nothing is handled until a turn, and each datagram keeps its read time', () => {
    const h = harness();
    h.loop.push(datagram(1), 100);
    h.loop.push(datagram(2), 101);
    expect(h.handled).toEqual([]);
    expect(h.turns).toHaveLength(1); // one turn scheduled, however many datagrams came
    h.turn();
    expect(h.log).toEqual(['d1@100', 'd2@101']);
    expect(h.turns).toHaveLength(0);
  });

  it('while a burst is on (from a full read batch until a poll reads nothing), only reads', () => {
    const h = harness({ burstReads: 32 });
    const low: string[] = [];
    h.loop.later(() => low.push('event'));
    for (let i = 0; i < 32; i += 1) h.loop.push(datagram(i), 0);
    h.turn();
    expect(h.handled).toHaveLength(0);
    // Fewer than a full batch, but the socket still had some: the burst goes on.
    for (let i = 32; i < 40; i += 1) h.loop.push(datagram(i), 0);
    h.turn();
    expect(h.handled).toHaveLength(0);
    expect(low).toEqual([]);
    // A poll read nothing: the socket is empty, the queue goes in one slice, then the low-priority work.
    h.turn();
    expect(h.handled).toHaveLength(40);
    expect(low).toEqual(['event']);
    expect(h.loop.peakQueued).toBe(40);
  });

  it('makes some progress in a burst that does not end, once more than half the queue is taken', () => {
    const h = harness({ burstReads: 4, burstBatch: 3, maxQueued: 10 });
    for (let i = 0; i < 5; i += 1) h.loop.push(datagram(i), 0);
    h.turn();
    expect(h.handled).toHaveLength(0); // 5 of 10: not more than half
    for (let i = 5; i < 9; i += 1) h.loop.push(datagram(i), 0);
    h.turn();
    expect(h.handled).toEqual([0, 1, 2]);
  });

  it('ends a burst after burstMaxMs, works the queue off in slices, and starts no burst until it is empty', () => {
    const h = harness({ burstReads: 4, burstMaxMs: 100, sliceMs: 2 }, 0.25);
    let n = 0;
    const read = (count: number) => {
      for (let i = 0; i < count; i += 1) h.loop.push(datagram(n++), 0);
    };
    read(4);
    h.turn(); // burst on at t = 0
    expect(h.handled).toHaveLength(0);
    h.advance(60);
    read(4);
    h.turn(); // 60 ms into a stream that never pauses: still a burst
    expect(h.handled).toHaveLength(0);
    h.advance(40);
    read(4);
    h.turn(); // 100 ms: the burst is over; a 2 ms slice (8 datagrams at 0.25 ms)
    expect(h.handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    read(12);
    h.turn(); // a full read batch again, but the queue is not empty yet: no new burst, another slice
    expect(h.handled).toHaveLength(16);
    read(4);
    h.turn();
    expect(h.handled).toHaveLength(24);
    h.turn(); // the queue empties
    expect(h.handled).toHaveLength(28);
    read(4);
    h.turn(); // a new burst may start now
    expect(h.handled).toHaveLength(28);
  });

  it('slices by time: a turn stops after sliceMs and yields, keeping the order', () => {
    const h = harness({ sliceMs: 2 }, 0.25); // each datagram costs 0.25 ms
    for (let i = 0; i < 20; i += 1) h.loop.push(datagram(i), 0);
    h.advance(0); // (the pushes above were one read batch smaller than a burst)
    h.turn();
    // Checked every 8 datagrams: 8 x 0.25 = 2 ms.
    expect(h.handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    h.turn();
    h.turn();
    expect(h.handled).toEqual([...Array(20).keys()]);
  });

  it('bounds a turn by count too (fake timers stop the clock)', () => {
    const h = harness({ maxPerTurn: 10, burstReads: 1000 });
    for (let i = 0; i < 25; i += 1) h.loop.push(datagram(i), 0);
    h.turn();
    expect(h.handled).toHaveLength(10);
  });

  it('runs low-priority work only when no datagram waits, unless it has waited longer than lowMaxWaitMs', () => {
    const h = harness({ burstReads: 4, lowMaxWaitMs: 100 });
    const low: number[] = [];
    h.loop.later(() => low.push(h.loop.queued));
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < 4; i += 1) h.loop.push(datagram(i), 0);
      h.turn();
    }
    expect(low).toEqual([]);
    h.advance(150); // a burst that never ends must not starve it forever
    for (let i = 0; i < 4; i += 1) h.loop.push(datagram(i), 0);
    h.turn();
    expect(low).toEqual([16]); // it ran with all 16 datagrams still waiting
  });

  it('drops beyond maxQueued, counted through onOverflow, and keeps what it has', () => {
    const h = harness({ maxQueued: 3 });
    for (let i = 0; i < 5; i += 1) h.loop.push(datagram(i), 0);
    expect(h.overflowed).toEqual([3, 4]);
    expect(h.loop.queued).toBe(3);
    h.turn();
    expect(h.handled).toEqual([0, 1, 2]);
  });

  it('drains on demand, and runs nothing after stop', () => {
    const h = harness();
    for (let i = 0; i < 3; i += 1) h.loop.push(datagram(i), 0);
    h.loop.drainDatagrams();
    expect(h.handled).toEqual([0, 1, 2]);
    const low: string[] = [];
    h.loop.later(() => low.push('x'));
    h.loop.push(datagram(9), 0);
    h.loop.stop();
    h.turn();
    expect(h.handled).toEqual([0, 1, 2]);
    expect(low).toEqual([]);
    expect(h.loop.push(datagram(10), 0)).toBe(false);
  });

  it('keeps going when a low-priority task throws', () => {
    const errors: unknown[] = [];
    const turns: (() => void)[] = [];
    const loop = createReceiveLoop(
      {},
      {
        handle: () => undefined,
        onOverflow: () => undefined,
        defer: (t) => turns.push(t),
        onTaskError: (e) => errors.push(e),
        now: () => 0, // a stopped clock: the turn's slice cannot run out on a loaded machine
      },
    );
    const ran: string[] = [];
    loop.later(() => {
      throw new Error('boom');
    });
    loop.later(() => ran.push('next'));
    turns.shift()!();
    expect(errors).toHaveLength(1);
    expect(ran).toEqual(['next']);
  });
});
