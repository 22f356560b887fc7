// A slow-connection flood run inside a lab host: `slow-http.ts <host> <port> <sources> <perSource> <durationMs>`
// opens <perSource> TCP connections from each source address (comma separated), sends a partial request header,
// then one byte every 2 s, and prints one JSON line with how and when each connection ended.
import { connect, type Socket } from 'node:net';

export interface SlowHttpReport {
  readonly attempted: number;
  /** Connections that were established. */
  readonly connected: number;
  readonly connectFailed: number;
  /** Closed (or reset) by the server while we still held them, with the time from connect to close. */
  readonly closedByServerMs: readonly number[];
  /** Still open when the run ended (we closed them). */
  readonly stillOpen: number;
}

const BYTE_EVERY_MS = 2000;
const OPEN_BATCH = 100;

interface Held {
  readonly socket: Socket;
  connectedAt: number;
  endedAt: number | undefined;
  failed: boolean;
}

function open(host: string, port: number, localAddress: string): Promise<Held> {
  return new Promise((resolve) => {
    const held: Held = {
      socket: connect({ host, port, localAddress }),
      connectedAt: 0,
      endedAt: undefined,
      failed: false,
    };
    held.socket.setNoDelay(true);
    held.socket.on('connect', () => {
      held.connectedAt = Date.now();
      held.socket.write('GET /slow HTTP/1.1\r\nHost: device\r\nX-Slow: ');
      resolve(held);
    });
    held.socket.on('error', () => {
      if (held.connectedAt === 0) {
        held.failed = true;
        resolve(held);
      }
    });
    held.socket.on('close', () => {
      held.endedAt ??= Date.now();
    });
    held.socket.on('data', () => undefined);
  });
}

export async function slowHttp(
  host: string,
  port: number,
  sources: readonly string[],
  perSource: number,
  durationMs: number,
): Promise<SlowHttpReport> {
  const startedAt = Date.now();
  const all: Held[] = [];
  const plan = sources.flatMap((source) => Array.from({ length: perSource }, () => source));
  for (let i = 0; i < plan.length; i += OPEN_BATCH) {
    all.push(...(await Promise.all(plan.slice(i, i + OPEN_BATCH).map((source) => open(host, port, source)))));
  }
  const drip = setInterval(() => {
    for (const held of all) if (held.endedAt === undefined && !held.failed) held.socket.write('a');
  }, BYTE_EVERY_MS);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, durationMs - (Date.now() - startedAt))));
  clearInterval(drip);
  const closedByServerMs: number[] = [];
  let stillOpen = 0;
  for (const held of all) {
    if (held.failed) continue;
    if (held.endedAt !== undefined) closedByServerMs.push(held.endedAt - held.connectedAt);
    else {
      stillOpen += 1;
      held.socket.destroy();
    }
  }
  return {
    attempted: plan.length,
    connected: all.filter((h) => !h.failed).length,
    connectFailed: all.filter((h) => h.failed).length,
    closedByServerMs,
    stillOpen,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [host, port, sources, perSource, durationMs] = process.argv.slice(2);
  if (host === undefined || sources === undefined) {
    process.stderr.write('usage: slow-http.ts <host> <port> <source,source,...> <perSource> <durationMs>\n');
    process.exit(2);
  }
  const report = await slowHttp(host, Number(port), sources.split(','), Number(perSource), Number(durationMs));
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
