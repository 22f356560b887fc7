// The header deadline is absolute: trickling bytes does not extend it (a socket inactivity timer would be reset by
// each byte; this is what slowloris relies on). Windows are measured per connection, from the client's side.
import { afterEach, describe, expect, it } from 'vitest';
import {
  PARTIAL_HEADERS,
  cleanUp,
  closedAfter,
  openFrom,
  requestOn,
  sleep,
  startGuardedServer,
  waitFor,
} from './harness.ts';
import type { Client } from './harness.ts';

afterEach(cleanUp);

/** Writes one more header byte every 200 ms until the socket closes. */
function trickle(client: Client): void {
  const timer = setInterval(() => (client.closedAt === undefined ? client.write('X') : clearInterval(timer)), 200);
  client.socket.once('close', () => clearInterval(timer));
}

describe('header deadline', () => {
  it('closes each partial-header connection between 1.0 and 2.0 s after it connected, however it trickles', async () => {
    const h = await startGuardedServer({ headersTimeoutMs: 1_000 });
    const sources = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
    const slow: Client[] = [];
    for (const source of sources) {
      const client = await openFrom(h.port, source, PARTIAL_HEADERS);
      trickle(client);
      slow.push(client);
      await sleep(300); // staggered, so each connection's own deadline is measured, not one shared moment
    }
    // A client whose headers complete in time (in two pieces) is answered and not cut.
    const good = await openFrom(h.port, '127.0.0.5', 'GET / HTTP/1.1\r\n');
    await sleep(300);
    good.write('Host: guard.test\r\n\r\n');

    await waitFor(() => slow.every((c) => c.closedAt !== undefined), 'every slow client to be closed');
    for (const client of slow) {
      const elapsed = closedAfter(client, client.startedAt);
      expect(elapsed).toBeGreaterThanOrEqual(1_000);
      expect(elapsed).toBeLessThanOrEqual(2_000);
    }
    expect(h.drops).toEqual(sources.map((address) => ({ reason: 'http-header-deadline', address })));
    expect(h.guard.stats.drops['http-header-deadline']).toBe(3);

    await sleep(1_500 - (Date.now() - good.startedAt)); // past the good client's own header deadline
    expect(good.received).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/);
    expect(good.closedAt).toBeUndefined();
    expect(h.guard.stats.connections).toBe(1);
  });

  it('applies again to the next request on a kept-alive connection, from its first byte', async () => {
    const h = await startGuardedServer({ headersTimeoutMs: 1_000, idleTimeoutMs: 10_000 });
    const client = await openFrom(h.port, '127.0.0.2');
    await requestOn(client);
    await sleep(1_200); // idle, longer than the header deadline: idle time does not count against the headers
    expect(client.closedAt).toBeUndefined();

    const partialAt = Date.now();
    client.write(PARTIAL_HEADERS);
    trickle(client);
    await waitFor(() => client.closedAt !== undefined, 'the slow second request to be cut');
    const elapsed = closedAfter(client, partialAt);
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThanOrEqual(2_000);
    expect(h.drops).toEqual([{ reason: 'http-header-deadline', address: '127.0.0.2' }]);
  });
});
