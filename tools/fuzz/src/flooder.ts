// An M-SEARCH flooder, run inside a lab host (`node --import tsx tools/fuzz/src/flooder.ts '<plan JSON>'`): one
// UDP socket per source address (the host carries them all), each sending `ssdp:all` at `ratePerSource` per
// second, evenly spread, for `durationMs`. It counts bytes out and the answers that come back to every socket,
// second by second, and prints one JSON line.
import dgram from 'node:dgram';

export interface FloodPlan {
  readonly sources: readonly string[];
  readonly ratePerSource: number;
  readonly durationMs: number;
  /** `unicast`: to target:port (how reflection attacks reach a device); `multicast`: to the SSDP group. */
  readonly via: 'unicast' | 'multicast';
  readonly target: string;
  readonly port: number;
  readonly mx: number;
  /** How long to keep listening after the last search (answers are spread over the MX window). */
  readonly tailMs: number;
}

export interface FloodSecond {
  readonly searches: number;
  readonly bytesIn: number;
  readonly responses: number;
  readonly bytesOut: number;
}

export interface FloodResult {
  /** Epoch ms of the first search. */
  readonly startedAt: number;
  readonly searches: number;
  /** Bytes the flooder sent (what the device received): the "in" of the amplification ratio. */
  readonly bytesIn: number;
  /** Answers received, and their bytes: the "out". */
  readonly responses: number;
  readonly bytesOut: number;
  readonly searchBytes: number;
  readonly respondingSources: number;
  readonly sendErrors: number;
  /** Per second of the run (the tail is added to the last second). */
  readonly seconds: readonly FloodSecond[];
}

export async function flood(plan: FloodPlan): Promise<FloodResult> {
  const host = plan.via === 'multicast' ? `239.255.255.250:${plan.port}` : `${plan.target}:${plan.port}`;
  // A minimal, valid search: the smaller the question, the bigger an attacker's ratio.
  const search = Buffer.from(
    `M-SEARCH * HTTP/1.1\r\nHOST: ${host}\r\nMAN: "ssdp:discover"\r\nMX: ${plan.mx}\r\nST: ssdp:all\r\n\r\n`,
  );
  const destination = plan.via === 'multicast' ? '239.255.255.250' : plan.target;
  const seconds: { searches: number; bytesIn: number; responses: number; bytesOut: number }[] = [];
  const started = Date.now();
  const second = (): { searches: number; bytesIn: number; responses: number; bytesOut: number } => {
    const index = Math.min(
      Math.floor((Date.now() - started) / 1000),
      Math.max(0, Math.ceil(plan.durationMs / 1000) - 1),
    );
    while (seconds.length <= index) seconds.push({ searches: 0, bytesIn: 0, responses: 0, bytesOut: 0 });
    return seconds[index]!;
  };
  const responding = new Set<string>();
  let sendErrors = 0;
  const sockets = await Promise.all(
    plan.sources.map(async (address) => {
      const socket = dgram.createSocket('udp4');
      socket.on('message', (bytes) => {
        const s = second();
        s.responses += 1;
        s.bytesOut += bytes.length;
        responding.add(address);
      });
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.bind({ address, port: 0 }, resolve));
      if (plan.via === 'multicast') socket.setMulticastInterface(address);
      return socket;
    }),
  );

  // Round-robin over the sources in 10 ms ticks: each source sends exactly ratePerSource per second, evenly.
  const total = plan.sources.length * plan.ratePerSource;
  let sent = 0;
  let next = 0;
  while (Date.now() - started < plan.durationMs) {
    const due = Math.floor(((Date.now() - started) / 1000) * total);
    while (sent < due) {
      const socket = sockets[next]!;
      next = (next + 1) % sockets.length;
      sent += 1;
      const s = second();
      s.searches += 1;
      s.bytesIn += search.length;
      socket.send(search, plan.port, destination, (error) => {
        if (error) sendErrors += 1;
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, plan.tailMs));
  for (const socket of sockets) socket.close();
  const sum = (key: keyof FloodSecond): number => seconds.reduce((n, s) => n + s[key], 0);
  return {
    startedAt: started,
    searches: sum('searches'),
    bytesIn: sum('bytesIn'),
    responses: sum('responses'),
    bytesOut: sum('bytesOut'),
    searchBytes: search.length,
    respondingSources: responding.size,
    sendErrors,
    seconds,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const plan = JSON.parse(process.argv[2] ?? '{}') as FloodPlan;
  process.stdout.write(`${JSON.stringify(await flood(plan))}\n`);
}
