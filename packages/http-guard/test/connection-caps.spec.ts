// Per-source and global connection caps, with real sockets from several loopback addresses.
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_DROP_REASONS } from '../src/index.ts';
import type { HttpDropReason } from '../src/index.ts';
import { PARTIAL_HEADERS, cleanUp, fetchFrom, openFrom, sleep, startGuardedServer, waitFor } from './harness.ts';
import type { Client, Harness } from './harness.ts';

afterEach(cleanUp);

function counts(partial: Partial<Record<HttpDropReason, number>>): Record<HttpDropReason, number> {
  return Object.fromEntries(HTTP_DROP_REASONS.map((reason) => [reason, partial[reason] ?? 0])) as Record<
    HttpDropReason,
    number
  >;
}

/** Opens `n` slowloris connections from `address` one after the other, each seen by the server before the next. */
async function slowloris(h: Harness, address: string, n: number): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < n; i += 1) {
    const before = h.seen();
    clients.push(await openFrom(h.port, address, PARTIAL_HEADERS));
    await waitFor(() => h.seen() === before + 1, `the server to see connection ${i + 1} from ${address}`);
  }
  return clients;
}

const isOpen = (c: Client): boolean => c.closedAt === undefined;

describe('per-source cap', () => {
  it('cuts exactly the connections beyond maxConnectionsPerSource, the newest ones, and only from that source', async () => {
    const h = await startGuardedServer({ maxConnectionsPerSource: 3 });
    const attacker = await slowloris(h, '127.0.0.2', 5);
    await waitFor(() => !isOpen(attacker[3]!) && !isOpen(attacker[4]!), 'the two connections over the cap to close');
    await sleep(100);
    expect(attacker.map(isOpen)).toEqual([true, true, true, false, false]);
    expect(h.guard.stats.drops).toEqual(counts({ 'http-source-cap': 2 }));
    expect(h.drops).toEqual([
      { reason: 'http-source-cap', address: '127.0.0.2' },
      { reason: 'http-source-cap', address: '127.0.0.2' },
    ]);
    expect(h.guard.stats).toMatchObject({ admitted: 3, connections: 3, sources: 1 });

    // Another host is not affected by that host's cap.
    await expect(fetchFrom(h.port, '127.0.0.3')).resolves.toEqual({ status: 200, body: 'ok' });
    expect(h.guard.stats.drops).toEqual(counts({ 'http-source-cap': 2 }));
    expect(attacker.slice(0, 3).every(isOpen)).toBe(true);
  });

  it('treats an IPv4-mapped address as its IPv4 host (one key per source)', async () => {
    // Listening on the IPv4-mapped loopback address, Node reports peers as ::ffff:127.0.0.x.
    const h = await startGuardedServer({ maxConnectionsPerSource: 1 }, undefined, '::ffff:127.0.0.1');
    const [first, second] = await slowloris(h, '127.0.0.4', 2);
    await waitFor(() => !isOpen(second!), 'the second connection to close');
    expect(isOpen(first!)).toBe(true);
    expect(h.drops).toEqual([{ reason: 'http-source-cap', address: '127.0.0.4' }]);
  });
});

describe('global cap', () => {
  it('lets a fetch from another host through when one host holds every slot, at the cost of its newest connection', async () => {
    const h = await startGuardedServer({ maxConnections: 6, maxConnectionsPerSource: 10 });
    const attacker = await slowloris(h, '127.0.0.2', 6);
    expect(h.guard.stats).toMatchObject({ connections: 6, sources: 1 });

    await expect(fetchFrom(h.port, '127.0.0.3')).resolves.toEqual({ status: 200, body: 'ok' });
    await waitFor(() => !isOpen(attacker[5]!), 'the newest attacker connection to close');
    await sleep(100);
    expect(attacker.map(isOpen)).toEqual([true, true, true, true, true, false]);
    expect(h.guard.stats.drops).toEqual(counts({ 'http-global-cap': 1 }));
    expect(h.drops).toEqual([{ reason: 'http-global-cap', address: '127.0.0.2' }]);
  });

  it('refuses a newcomer from the host that already holds the most, keeping its older connections', async () => {
    const h = await startGuardedServer({ maxConnections: 4, maxConnectionsPerSource: 10 });
    const attacker = await slowloris(h, '127.0.0.2', 5);
    await waitFor(() => !isOpen(attacker[4]!), 'the fifth connection to close');
    await sleep(100);
    expect(attacker.map(isOpen)).toEqual([true, true, true, true, false]);
    expect(h.drops).toEqual([{ reason: 'http-global-cap', address: '127.0.0.2' }]);
    expect(h.guard.stats).toMatchObject({ admitted: 4, connections: 4 });
  });

  it('refuses a newcomer when no host holds more than its own, and admits a third host by evicting', async () => {
    const h = await startGuardedServer({ maxConnections: 4, maxConnectionsPerSource: 10 });
    const a = await slowloris(h, '127.0.0.2', 2);
    const b = await slowloris(h, '127.0.0.3', 2);
    const [extraB] = await slowloris(h, '127.0.0.3', 1);
    await waitFor(() => !isOpen(extraB!), 'the tied newcomer to close');
    expect(h.drops).toEqual([{ reason: 'http-global-cap', address: '127.0.0.3' }]);

    const [third] = await slowloris(h, '127.0.0.4', 1);
    await waitFor(() => h.drops.length === 2, 'an eviction');
    await sleep(100);
    expect(isOpen(third!)).toBe(true);
    // One of the two biggest holders lost its newest connection; the older ones stay.
    expect([isOpen(a[0]!), isOpen(b[0]!)]).toEqual([true, true]);
    expect(isOpen(a[1]!) !== isOpen(b[1]!)).toBe(true);
    expect(h.guard.stats).toMatchObject({ connections: 4, sources: 3 });
    expect(h.guard.stats.drops).toEqual(counts({ 'http-global-cap': 2 }));
  });
});
