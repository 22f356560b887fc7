// A one-shot helper run inside a lab host: `probe.ts search <from> <st> <mx> <waitMs>` multicasts one real
// M-SEARCH from <from> and prints one JSON line with every answer that came back within waitMs.
import dgram from 'node:dgram';
import { getHeader, parseMessage } from '@ssdp/protocol';

export interface ProbeAnswer {
  readonly address: string;
  readonly kind: string;
  readonly st: string | undefined;
  readonly usn: string | undefined;
  readonly location: string | undefined;
  readonly bytes: number;
}

export async function probeSearch(
  from: string,
  st: string,
  mx: number,
  waitMs: number,
  port = 1900,
): Promise<ProbeAnswer[]> {
  const socket = dgram.createSocket('udp4');
  const answers: ProbeAnswer[] = [];
  socket.on('message', (bytes, remote) => {
    const parsed = parseMessage(bytes);
    answers.push({
      address: remote.address,
      kind: parsed.ok ? parsed.message.kind : 'malformed',
      st: parsed.ok ? getHeader(parsed.message, 'ST') : undefined,
      usn: parsed.ok ? getHeader(parsed.message, 'USN') : undefined,
      location: parsed.ok ? getHeader(parsed.message, 'LOCATION') : undefined,
      bytes: bytes.length,
    });
  });
  await new Promise<void>((resolve) => socket.bind({ address: from, port: 0 }, resolve));
  socket.setMulticastInterface(from);
  const request = `M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:${port}\r\nMAN: "ssdp:discover"\r\nMX: ${mx}\r\nST: ${st}\r\nUSER-AGENT: Linux/6 UPnP/2.0 ssdp-fuzz-probe/0.1\r\n\r\n`;
  await new Promise<void>((resolve, reject) =>
    socket.send(request, port, '239.255.255.250', (error) => (error ? reject(error) : resolve())),
  );
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  socket.close();
  return answers;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mode, from, st, mx, waitMs] = process.argv.slice(2);
  if (mode !== 'search' || from === undefined) {
    process.stderr.write('usage: probe.ts search <from> <st> <mx> <waitMs>\n');
    process.exit(2);
  }
  const answers = await probeSearch(from, st ?? 'ssdp:all', Number(mx ?? 1), Number(waitMs ?? 1500));
  process.stdout.write(`${JSON.stringify(answers)}\n`);
}
