// The guard's own footprint: its timer runs only while connections are tracked, close() removes every listener
// and timer, and a throwing onDrop changes nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { guardHttpServer } from '../src/index.ts';
import { PARTIAL_HEADERS, cleanUp, fetchFrom, openFrom, sleep, startGuardedServer, waitFor } from './harness.ts';

afterEach(async () => {
  vi.restoreAllMocks();
  await cleanUp();
});

describe('lifecycle', () => {
  it('runs one interval only while connections are tracked, and clears it when they are gone', async () => {
    const started = vi.spyOn(globalThis, 'setInterval');
    const cleared = vi.spyOn(globalThis, 'clearInterval');
    const h = await startGuardedServer({ headersTimeoutMs: 1_000 });
    expect(started).not.toHaveBeenCalled();
    const a = await openFrom(h.port, '127.0.0.2', PARTIAL_HEADERS);
    const b = await openFrom(h.port, '127.0.0.3', PARTIAL_HEADERS);
    await waitFor(() => h.guard.stats.connections === 2, 'two tracked connections');
    expect(started).toHaveBeenCalledTimes(1);
    expect(started.mock.calls[0]![1]).toBe(250); // a quarter of the shortest limit, at most 250 ms
    const timer = started.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    a.socket.destroy();
    b.socket.destroy();
    await waitFor(() => h.guard.stats.connections === 0, 'no tracked connections');
    expect(cleared).toHaveBeenCalledWith(timer);
  });

  it('close() removes its listeners and timer and stops guarding, leaving connections open', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    const baseline = ['connection', 'request', 'close'].map((event) => server.listenerCount(event));
    const cleared = vi.spyOn(globalThis, 'clearInterval');
    const guard = guardHttpServer(server, { maxConnectionsPerSource: 1, headersTimeoutMs: 200 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const held = await openFrom(port, '127.0.0.2', PARTIAL_HEADERS);
      await waitFor(() => guard.stats.connections === 1, 'a tracked connection');
      guard.close();
      guard.close(); // idempotent
      expect(['connection', 'request', 'close'].map((event) => server.listenerCount(event))).toEqual(baseline);
      expect(cleared).toHaveBeenCalledTimes(1);
      const second = await openFrom(port, '127.0.0.2', PARTIAL_HEADERS);
      await sleep(600); // past the deadline and over the per-source cap: no longer enforced
      expect([held.closedAt, second.closedAt]).toEqual([undefined, undefined]);
      expect(guard.stats).toMatchObject({ connections: 0, admitted: 1 });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('keeps enforcing and serving when onDrop throws', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    let calls = 0;
    const guard = guardHttpServer(server, {
      maxConnectionsPerSource: 1,
      onDrop: () => {
        calls += 1;
        throw new Error('observer failure');
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await openFrom(port, '127.0.0.2', PARTIAL_HEADERS);
      await waitFor(() => guard.stats.connections === 1, 'a tracked connection');
      const refused = await openFrom(port, '127.0.0.2', PARTIAL_HEADERS);
      await waitFor(() => refused.closedAt !== undefined, 'the connection over the cap to close');
      expect(calls).toBe(1);
      expect(guard.stats.drops['http-source-cap']).toBe(1);
      await expect(fetchFrom(port, '127.0.0.3')).resolves.toEqual({ status: 200, body: 'ok' });
    } finally {
      guard.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
