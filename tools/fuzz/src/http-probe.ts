// What a legitimate control point on another host sees, run inside a lab host:
//   http-probe.ts fetch <url> <timeoutMs>              GET the description: status, time, friendlyName
//   http-probe.ts usearch <from> <device> <st> <waitMs> a unicast M-SEARCH to <device>:1900: time of the first answer
import dgram from 'node:dgram';
import { parseMessageView } from '@ssdp/protocol';

export interface FetchProbe {
  readonly ok: boolean;
  readonly status: number | undefined;
  readonly ms: number;
  readonly friendlyName: string | undefined;
  readonly error: string | undefined;
}

export interface UnicastSearchProbe {
  readonly answers: number;
  /** From the send to the first answer; undefined when none came within waitMs. */
  readonly firstAnswerMs: number | undefined;
}

export async function fetchProbe(url: string, timeoutMs: number): Promise<FetchProbe> {
  const startedAt = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    const name = /<friendlyName>([^<]*)<\/friendlyName>/.exec(body)?.[1];
    return {
      ok: response.ok,
      status: response.status,
      ms: performance.now() - startedAt,
      friendlyName: name,
      error: undefined,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      ok: false,
      status: undefined,
      ms: performance.now() - startedAt,
      friendlyName: undefined,
      error: cause ?? String(error),
    };
  }
}

export async function unicastSearch(
  from: string,
  device: string,
  st: string,
  waitMs: number,
): Promise<UnicastSearchProbe> {
  const socket = dgram.createSocket('udp4');
  let answers = 0;
  let firstAnswerMs: number | undefined;
  let sentAt = 0;
  socket.on('message', (bytes) => {
    const parsed = parseMessageView(bytes);
    if (!parsed.ok || parsed.message.kind !== 'search-response') return;
    answers += 1;
    firstAnswerMs ??= performance.now() - sentAt;
  });
  await new Promise<void>((resolve) => socket.bind({ address: from, port: 0 }, resolve));
  // UDA 1.1 §1.3.2: a unicast search names the device in HOST and carries no MX.
  const request = `M-SEARCH * HTTP/1.1\r\nHOST: ${device}:1900\r\nMAN: "ssdp:discover"\r\nST: ${st}\r\nUSER-AGENT: Linux/6 UPnP/2.0 ssdp-http-probe/0.1\r\n\r\n`;
  sentAt = performance.now();
  await new Promise<void>((resolve, reject) =>
    socket.send(request, 1900, device, (error) => (error ? reject(error) : resolve())),
  );
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  socket.close();
  return { answers, firstAnswerMs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'fetch' && args[0] !== undefined) {
    process.stdout.write(`${JSON.stringify(await fetchProbe(args[0], Number(args[1] ?? 3000)))}\n`);
  } else if (mode === 'usearch' && args[0] !== undefined && args[1] !== undefined) {
    process.stdout.write(
      `${JSON.stringify(await unicastSearch(args[0], args[1], args[2] ?? 'upnp:rootdevice', Number(args[3] ?? 2000)))}\n`,
    );
  } else {
    process.stderr.write('usage: http-probe.ts fetch <url> <timeoutMs> | usearch <from> <device> <st> <waitMs>\n');
    process.exit(2);
  }
}
