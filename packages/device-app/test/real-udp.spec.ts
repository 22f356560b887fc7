// The actual `ssdp-device` bin over real UDP on loopback (random high port, never 1900/1337): a search from a
// plain dgram socket, the description over HTTP, SIGTERM with byebyes, BOOTID across restarts. Children are
// always killed and temp dirs removed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDeviceDescription, parseMessage, type SsdpMessage } from '@ssdp/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { version } from '../src/version.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = path.join(root, 'packages/device-app/bin/ssdp-device.js');
const GROUP = '239.255.255.250';
const LOOPBACK = '127.0.0.1';

const children: ChildProcess[] = [];
const sockets: dgram.Socket[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const socket of sockets.splice(0)) socket.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 30_000);
}

interface Running {
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[];
  readonly stderr: () => string;
  next(event: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function startDevice(args: string[], nodeArgs: string[] = []): Running {
  const child = spawn(process.execPath, [...nodeArgs, bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const events: Record<string, unknown>[] = [];
  const waiters: { event: string; resolve: (e: Record<string, unknown>) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const event = JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>;
      buffer = buffer.slice(newline + 1);
      events.push(event);
      for (const waiter of waiters.filter((w) => w.event === event['event'])) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    events,
    stderr: () => stderr,
    exited,
    next(event) {
      const seen = events.find((e) => e['event'] === event);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ event, resolve });
        void exited.then((code) => reject(new Error(`ssdp-device exited (${code}) before "${event}": ${stderr}`)));
      });
    },
  };
}

/** A socket that hears the group on loopback (NOTIFYs), like a passive control point. */
async function groupListener(port: number): Promise<{ socket: dgram.Socket; messages: SsdpMessage[] }> {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  sockets.push(socket);
  const messages: SsdpMessage[] = [];
  socket.on('message', (bytes) => {
    const parsed = parseMessage(bytes);
    if (parsed.ok) messages.push(parsed.message);
  });
  await new Promise<void>((resolve) => socket.bind({ address: GROUP, port }, resolve));
  socket.addMembership(GROUP, LOOPBACK);
  return { socket, messages };
}

/** A searcher: an ephemeral socket on 127.0.0.1 that multicasts through loopback. */
async function searcher(): Promise<{ socket: dgram.Socket; messages: SsdpMessage[] }> {
  const socket = dgram.createSocket('udp4');
  sockets.push(socket);
  const messages: SsdpMessage[] = [];
  socket.on('message', (bytes) => {
    const parsed = parseMessage(bytes);
    if (parsed.ok) messages.push(parsed.message);
  });
  await new Promise<void>((resolve) => socket.bind({ address: LOOPBACK, port: 0 }, resolve));
  socket.setMulticastInterface(LOOPBACK);
  socket.setMulticastLoopback(true);
  return { socket, messages };
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const header = (message: SsdpMessage, name: string) =>
  message.headers.find((h) => h.name.toUpperCase() === name)?.value;

describe('ssdp-device over real UDP on loopback', () => {
  it('answers a real M-SEARCH, serves its description, and says byebye on SIGTERM', async () => {
    const port = randomPort();
    const stateDir = mkdtempSync(path.join(tmpdir(), 'ssdp-device-e2e-'));
    dirs.push(stateDir);
    const group = await groupListener(port);
    const device = startDevice([
      '--port',
      String(port),
      '--state-dir',
      stateDir,
      '--json',
      '--name',
      'E2E Device',
      '--duration',
      '60',
    ]);
    const started = await device.next('started');
    expect(started).toMatchObject({ profile: 'upnp', port, bootId: 1, count: 1 });
    const [identity] = started['devices'] as { udn: string; locations: string[]; configId: number }[];
    const location = identity!.locations[0]!;
    expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devices\/[0-9a-f-]{36}\/description\.xml$/);

    const search = await searcher();
    const request =
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\nUSER-AGENT: Test/1 UPnP/2.0 e2e/1\r\n\r\n';
    search.socket.send(request, port, GROUP);
    const responses = await waitFor(() => (search.messages.length >= 3 ? search.messages : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(search.messages).toHaveLength(3);
    for (const response of responses) {
      expect(response.kind).toBe('search-response');
      expect(header(response, 'LOCATION')).toBe(location);
      expect(header(response, 'SERVER')).toMatch(/^\S+\/\S+ UPnP\/2\.0 ssdp-device\/\d+\.\d+\.\d+$/);
      expect(header(response, 'BOOTID.UPNP.ORG')).toBe('1');
      expect(header(response, 'CONFIGID.UPNP.ORG')).toBe(String(identity!.configId));
      expect(header(response, 'USN')?.startsWith(identity!.udn)).toBe(true);
      expect(response.headers.some((h) => h.name === 'EXT')).toBe(true);
    }
    expect(new Set(responses.map((r) => header(r, 'ST')))).toEqual(
      new Set(['upnp:rootdevice', identity!.udn, 'urn:schemas-upnp-org:device:Basic:1']),
    );
    const received = await device.next('search-received');
    expect(received).toMatchObject({ userAgent: 'Test/1 UPnP/2.0 e2e/1', mx: '1', responses: 3 });

    const get = await fetch(location);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('text/xml; charset="utf-8"');
    const description = parseDeviceDescription(await get.text());
    if (!description.ok) throw new Error(description.error.message);
    expect(description.description.device.udn).toBe(identity!.udn);
    expect(description.description.device.friendlyName).toBe('E2E Device');
    expect(description.description.configId).toBe(identity!.configId);
    const head = await fetch(location, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(location, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    await post.text();
    const missing = await fetch(new URL('/nothing.xml', location));
    expect(missing.status).toBe(404);
    await missing.text();

    const aliveBefore = group.messages.filter((m) => m.kind === 'notify-alive').length;
    expect(aliveBefore).toBeGreaterThanOrEqual(3);
    device.child.kill('SIGTERM');
    expect(await device.exited).toBe(0);
    const byebyes = await waitFor(() => {
      const seen = group.messages.filter((m) => m.kind === 'notify-byebye');
      return seen.length >= 3 ? seen : undefined;
    }, 3000);
    expect(new Set(byebyes.map((m) => header(m, 'USN')))).toEqual(new Set(responses.map((r) => header(r, 'USN'))));
    const stopped = device.events.at(-1)!;
    expect(stopped).toMatchObject({ event: 'stopped', reason: 'SIGTERM' });
    expect((stopped['stats'] as { byebye: number }).byebye).toBe(3);
    expect(device.stderr().trim().split('\n')).toEqual([
      'ssdp-device: listening on loopback only; use --interface all (or a name/address) to use the LAN',
    ]);

    // A restart keeps the UDN and increases BOOTID.
    const again = startDevice(['--port', String(port), '--state-dir', stateDir, '--json', '--duration', '60']);
    const restarted = await again.next('started');
    expect(restarted['bootId']).toBe(2);
    expect((restarted['devices'] as { udn: string }[])[0]!.udn).toBe(identity!.udn);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('exits at once on a second signal while the byebyes of a big fleet are still going out', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ssdp-device-e2e-'));
    dirs.push(dir);
    const device = startDevice([
      '--port',
      String(randomPort()),
      '--state-dir',
      dir,
      '--json',
      '--count',
      '1000',
      '--duration',
      '60',
    ]);
    await device.next('started');
    device.child.kill('SIGTERM');
    await device.next('byebye-sent'); // 3,000 byebyes paced over about a second
    device.child.kill('SIGTERM');
    expect(await device.exited).toBe(143); // main.ts: process.exit(128 + SIGTERM) on the second signal
    expect(device.events.some((e) => e['event'] === 'stopped')).toBe(false);
  });

  it('prints every line, whole and in order, when SIGTERM stops it in the middle of a burst of searches', async () => {
    const port = randomPort();
    const dir = mkdtempSync(path.join(tmpdir(), 'ssdp-device-e2e-'));
    dirs.push(dir);
    const caps = [
      '--source-rate',
      '1000000',
      '--source-burst',
      '1000000',
      '--response-rate',
      '1000000',
      '--max-pending',
      '1000000',
    ];
    const device = startDevice(['--port', String(port), '--state-dir', dir, '--json', '--duration', '60', ...caps]);
    await device.next('started');
    const search = await searcher();
    const request =
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: upnp:rootdevice\r\n\r\n';
    for (let i = 0; i < 2000; i += 1) search.socket.send(request, port, GROUP);
    await device.next('response-sent');
    device.child.kill('SIGTERM');
    expect(await device.exited).toBe(0);
    // Every stdout line parsed as JSON (startDevice throws on a cut line); the summary is the last one.
    const stopped = device.events.at(-1)!;
    expect(stopped['event']).toBe('stopped');
    const stats = stopped['stats'] as { searches: number; responses: number };
    const searches = device.events.filter((e) => e['event'] === 'search-received');
    expect(stats.searches).toBeGreaterThan(0);
    expect(searches).toHaveLength(stats.searches);
    expect(device.events.filter((e) => e['event'] === 'response-sent')).toHaveLength(stats.responses);
    expect(searches.map((e) => e['searchId'])).toEqual(searches.map((_, i) => i + 1));
  });

  it('keeps serving, with one line on stderr, when the reader of its stdout goes away (EPIPE)', async () => {
    const port = randomPort();
    const dir = mkdtempSync(path.join(tmpdir(), 'ssdp-device-e2e-'));
    dirs.push(dir);
    const group = await groupListener(port);
    const device = startDevice(['--port', String(port), '--state-dir', dir, '--json', '--duration', '60']);
    await device.next('started');
    device.child.stdout!.destroy();
    const search = await searcher();
    const request =
      'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n';
    search.socket.send(request, port, GROUP);
    await waitFor(() => (search.messages.length >= 3 ? true : undefined));
    search.socket.send(request, port, GROUP);
    await waitFor(() => (search.messages.length >= 6 ? true : undefined));
    device.child.kill('SIGTERM');
    expect(await device.exited).toBe(0);
    await waitFor(
      () => (group.messages.filter((m) => m.kind === 'notify-byebye').length >= 3 ? true : undefined),
      3000,
    );
    expect(device.stderr().trim().split('\n')).toEqual([
      'ssdp-device: listening on loopback only; use --interface all (or a name/address) to use the LAN',
      'ssdp-device: stdout closed (EPIPE); further output is discarded',
    ]);
  });

  it('on an unexpected error (uncaught exception): one stderr line, byebye for every USN, exit 70', async () => {
    const port = randomPort();
    const dir = mkdtempSync(path.join(tmpdir(), 'ssdp-device-e2e-'));
    dirs.push(dir);
    const group = await groupListener(port);
    // A preload that throws from a timer on SIGUSR2: an error no code path of the device expects.
    const inject = `data:text/javascript,process.on('SIGUSR2',()=>setImmediate(()=>{throw new Error('injected failure')}))`;
    const device = startDevice(
      ['--port', String(port), '--state-dir', dir, '--json', '--duration', '60'],
      ['--import', inject],
    );
    await device.next('started');
    device.child.kill('SIGUSR2');
    expect(await device.exited).toBe(70);
    const byebyes = await waitFor(() => {
      const seen = group.messages.filter((m) => m.kind === 'notify-byebye');
      return seen.length >= 3 ? seen : undefined;
    }, 3000);
    expect(new Set(byebyes.map((m) => header(m, 'USN'))).size).toBe(3);
    expect(device.events.at(-1)).toMatchObject({ event: 'stopped', reason: 'unexpected-error' });
    const lines = device.stderr().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^ssdp-device: unexpected error, stopping \(exit 70\): Error: injected failure \(at /);
  });

  it('answers --version (and -V) alone at once (the fast path), and --version with a bad flag like any run', async () => {
    for (const flag of ['--version', '-V']) {
      const run = spawnSync(process.execPath, [bin, flag], { encoding: 'utf8' });
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
        status: 0,
        stdout: `${version}\n`,
        stderr: '',
      });
    }
    const bad = spawnSync(process.execPath, [bin, '--version', '--bogus'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^ssdp-device: .*bogus.* \(see --help\)\n$/);
  });

  it('exits 2 with one line (no stack trace) on a bad flag or an unusable state dir', async () => {
    const bad = startDevice(['--port', '0']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr().trim().split('\n')).toEqual([
      'ssdp-device: --port: expected an integer in 1..65535 (see --help)',
    ]);

    const dir = mkdtempSync(path.join(tmpdir(), 'ssdp-device-e2e-'));
    dirs.push(dir);
    const blocked = startDevice(['--port', String(randomPort()), '--state-dir', path.join(bin, 'state')]);
    expect(await blocked.exited).toBe(2);
    const lines = blocked.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ssdp-device: state dir .*ssdp-device\.js\/state is not a directory \(ENOTDIR\)$/);
  });
});
