// The request deadline (a response must finish in time) and the idle limit of kept-alive connections.
import { afterEach, describe, expect, it } from 'vitest';
import type http from 'node:http';
import { cleanUp, closedAfter, openFrom, requestOn, sleep, startGuardedServer, waitFor } from './harness.ts';

afterEach(cleanUp);

const handler: http.RequestListener = (req, res) => {
  if (req.url === '/hang') return; // never answers
  if (req.url === '/slow') setTimeout(() => res.end('ok'), 400);
  else res.end('ok');
};

describe('request deadline', () => {
  it('cuts a request whose handler never responds 1.0-2.0 s after it was sent, and spares a slow but timely one', async () => {
    const h = await startGuardedServer({ requestTimeoutMs: 1_000 }, handler);
    const hanging = await openFrom(h.port, '127.0.0.2');
    const sentAt = Date.now();
    hanging.write('GET /hang HTTP/1.1\r\nHost: guard.test\r\n\r\n');
    const slow = await openFrom(h.port, '127.0.0.3');
    await requestOn(slow, '/slow');
    await requestOn(slow, '/slow'); // two in a row: each response gets its own budget

    await waitFor(() => hanging.closedAt !== undefined, 'the hanging request to be cut');
    const elapsed = closedAfter(hanging, sentAt);
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThanOrEqual(2_000);
    expect(hanging.received).toBe('');
    expect(slow.closedAt).toBeUndefined();
    expect(h.drops).toEqual([{ reason: 'http-request-deadline', address: '127.0.0.2' }]);
  });
});

describe('idle keep-alive', () => {
  it('closes a kept-alive connection idle for idleTimeoutMs, and not one that keeps making requests', async () => {
    const h = await startGuardedServer({ idleTimeoutMs: 1_000 });
    const idle = await openFrom(h.port, '127.0.0.2');
    const sentAt = Date.now();
    await requestOn(idle);
    const answeredAt = Date.now();

    const busy = await openFrom(h.port, '127.0.0.3');
    for (let i = 0; i < 6; i += 1) {
      await requestOn(busy);
      await sleep(300);
    }

    await waitFor(() => idle.closedAt !== undefined, 'the idle connection to be closed');
    expect(closedAfter(idle, sentAt)).toBeGreaterThanOrEqual(1_000);
    expect(closedAfter(idle, answeredAt)).toBeLessThanOrEqual(2_000);
    expect(busy.closedAt).toBeUndefined();
    expect(h.drops).toEqual([{ reason: 'http-idle', address: '127.0.0.2' }]);
    expect(h.guard.stats.drops['http-idle']).toBe(1);
  });
});
