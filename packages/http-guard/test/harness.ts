// Real sockets on loopback only: a guarded node:http server on 127.0.0.1 (random port), and raw TCP clients bound
// to other loopback addresses (127.0.0.2, 127.0.0.3, ...: Linux routes all of 127/8 on lo) to act as other hosts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { guardHttpServer } from '../src/index.ts';
import type { HttpDropReason, HttpGuard, HttpGuardOptions } from '../src/index.ts';

export interface RecordedDrop {
  readonly reason: HttpDropReason;
  readonly address: string;
}

export interface Harness {
  readonly server: http.Server;
  readonly port: number;
  readonly guard: HttpGuard;
  readonly drops: RecordedDrop[];
  /** 'connection' events the server has emitted so far (admitted or refused by the guard). */
  seen(): number;
}

export interface Client {
  readonly socket: net.Socket;
  /** Date.now() just before connecting. */
  readonly startedAt: number;
  /** Date.now() when the socket closed; undefined while open. */
  closedAt: number | undefined;
  received: string;
  write(text: string): void;
}

const cleanups: (() => Promise<void> | void)[] = [];

/** Call from afterEach: closes every client, guard and server the test opened. */
export async function cleanUp(): Promise<void> {
  for (const step of cleanups.splice(0).reverse()) await step();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export async function startGuardedServer(
  options: HttpGuardOptions,
  handler: http.RequestListener = (_req, res) => res.end('ok'),
  host = '127.0.0.1',
): Promise<Harness> {
  const server = http.createServer(handler);
  const drops: RecordedDrop[] = [];
  const guard = guardHttpServer(server, { ...options, onDrop: (reason, address) => drops.push({ reason, address }) });
  let connections = 0;
  server.on('connection', () => (connections += 1)); // runs after the guard's (prepended) listener
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  cleanups.push(async () => {
    guard.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { server, port, guard, drops, seen: () => connections };
}

/** A raw TCP client from `localAddress`, connected; `firstBytes` is written at once. */
export async function openFrom(port: number, localAddress: string, firstBytes = ''): Promise<Client> {
  const startedAt = Date.now();
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  const client: Client = {
    socket,
    startedAt,
    closedAt: undefined,
    received: '',
    write: (text) => {
      if (!socket.destroyed) socket.write(text);
    },
  };
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (client.received += chunk));
  socket.on('error', () => {}); // ECONNRESET when the guard destroys the server side: expected
  socket.on('close', () => (client.closedAt = Date.now()));
  cleanups.push(() => {
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  if (firstBytes !== '') client.write(firstBytes);
  return client;
}

/** One GET over a fresh connection from `localAddress` (Connection: close). */
export function fetchFrom(port: number, localAddress: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, localAddress, path, agent: false }, (response) => {
      let body = '';
      response.setEncoding('latin1');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/** Sends one keep-alive GET on `client` and waits for its whole `ok` response. */
export async function requestOn(client: Client, path = '/'): Promise<void> {
  const before = client.received.length;
  client.write(`GET ${path} HTTP/1.1\r\nHost: guard.test\r\n\r\n`);
  await waitFor(() => client.received.slice(before).endsWith('\r\n\r\nok'), `the response to ${path}`);
}

/** A slowloris: a request line and headers, never the blank line that ends them. */
export const PARTIAL_HEADERS = 'GET / HTTP/1.1\r\nHost: guard.test\r\n';

/** Milliseconds from `from` (a Date.now()) to the moment `client` closed. */
export function closedAfter(client: Client, from: number): number {
  if (client.closedAt === undefined) throw new Error('client still open');
  return client.closedAt - from;
}
