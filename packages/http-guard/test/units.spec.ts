// The pure parts: address keys, the admission table, and the phase deadlines.
import { describe, expect, it } from 'vitest';
import { ConnectionTable } from '../src/connection-table.ts';
import {
  expiredReason,
  newConnectionState,
  noticeBytes,
  requestStarted,
  responseDone,
} from '../src/connection-state.ts';
import { HTTP_GUARD_DEFAULTS, normalizeRemoteAddress } from '../src/index.ts';

describe('normalizeRemoteAddress', () => {
  it.each([
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['1.2.3.4', '1.2.3.4'],
    ['FE80::1%eth0', 'fe80::1%eth0'],
    ['::ffff:abcd', '::ffff:abcd'],
    [undefined, 'unknown'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeRemoteAddress(input)).toBe(expected);
  });
});

describe('ConnectionTable.admit', () => {
  const limits = { maxConnectionsPerSource: 3, maxConnections: 5 };
  function table(...sources: string[]): {
    t: ConnectionTable<{ source: string; id: number }>;
    entries: { source: string; id: number }[];
  } {
    const t = new ConnectionTable<{ source: string; id: number }>();
    const entries = sources.map((source, id) => ({ source, id }));
    for (const entry of entries) t.add(entry);
    return { t, entries };
  }

  it('admits below both caps and refuses at the per-source cap first', () => {
    expect(table('a', 'a').t.admit('a', limits)).toEqual({ kind: 'admit' });
    expect(table('a', 'a', 'a').t.admit('a', limits)).toEqual({ kind: 'refuse', reason: 'http-source-cap' });
  });

  it('at the global cap evicts the newest connection of the biggest holder for a smaller source', () => {
    const { t, entries } = table('a', 'b', 'a', 'b', 'a');
    expect(t.admit('c', limits)).toEqual({ kind: 'evict', victim: entries[4] });
    expect(t.admit('b', limits)).toEqual({ kind: 'evict', victim: entries[4] });
  });

  it('at the global cap refuses the newcomer when its source holds the most or ties', () => {
    const big = table('a', 'a', 'b', 'b', 'c').t;
    expect(big.admit('a', { ...limits, maxConnectionsPerSource: 9 })).toEqual({
      kind: 'refuse',
      reason: 'http-global-cap',
    });
    expect(big.admit('b', { ...limits, maxConnectionsPerSource: 9 })).toEqual({
      kind: 'refuse',
      reason: 'http-global-cap',
    });
  });

  it('keeps counts per source through removals', () => {
    const { t, entries } = table('a', 'b', 'a');
    expect(t.remove(entries[0]!)).toBe(true);
    expect(t.remove(entries[0]!)).toBe(false);
    expect([t.size, t.sourceCount, t.countOf('a'), t.countOf('b')]).toEqual([2, 2, 1, 1]);
    t.remove(entries[1]!);
    expect([t.size, t.sourceCount, t.countOf('b')]).toEqual([1, 1, 0]);
  });
});

describe('connection phases', () => {
  const limits = { ...HTTP_GUARD_DEFAULTS, headersTimeoutMs: 100, requestTimeoutMs: 200, idleTimeoutMs: 300 };

  it('moves headers → request → idle → headers, each phase with its own limit', () => {
    const s = newConnectionState('a', 0);
    expect(expiredReason(s, 99, limits)).toBeUndefined();
    expect(expiredReason(s, 100, limits)).toBe('http-header-deadline');
    requestStarted(s, 50);
    expect(expiredReason(s, 249, limits)).toBeUndefined();
    expect(expiredReason(s, 250, limits)).toBe('http-request-deadline');
    requestStarted(s, 60); // pipelined
    responseDone(s, 200, 40);
    expect(s.phase).toBe('request');
    expect(expiredReason(s, 399, limits)).toBeUndefined(); // the next response has its own budget
    responseDone(s, 300, 40);
    expect(s.phase).toBe('idle');
    noticeBytes(s, 500, 40);
    expect(expiredReason(s, 599, limits)).toBeUndefined();
    expect(expiredReason(s, 600, limits)).toBe('http-idle');
    noticeBytes(s, 550, 41);
    expect(s.phase).toBe('headers');
    expect(expiredReason(s, 649, limits)).toBeUndefined();
    expect(expiredReason(s, 650, limits)).toBe('http-header-deadline');
  });

  it('starts the request phase for a request that arrives while the connection is still marked idle', () => {
    const s = newConnectionState('a', 0);
    requestStarted(s, 10);
    responseDone(s, 20, 40);
    requestStarted(s, 30); // its bytes came between two ticks, so noticeBytes never ran
    expect(s.phase).toBe('request');
    expect(expiredReason(s, 229, limits)).toBeUndefined();
    expect(expiredReason(s, 230, limits)).toBe('http-request-deadline');
  });

  it('treats a limit of 0 as off', () => {
    const s = newConnectionState('a', 0);
    expect(expiredReason(s, 1e9, { ...limits, headersTimeoutMs: 0 })).toBeUndefined();
  });
});
