// Packet proof from inside a namespace: `tcpdump -n -l` on one interface, one line per UDP datagram:
//   20:39:32.208348 IP 192.168.0.2.1337 > 192.168.0.3.1337: UDP, length 378
//   20:39:56.402341 IP6 fe80::6082:7bff:fe35:b14c.1900 > ff02::c.1900: UDP, length 394
import type { NetnsLab } from '@ssdp/netns';
import { startInHost, type HostProcess } from './host-process.ts';

export interface UdpPacket {
  readonly family: 'IPv4' | 'IPv6';
  readonly source: string;
  readonly sourcePort: number;
  readonly destination: string;
  readonly destinationPort: number;
  readonly length: number;
}

export function parseTcpdumpUdpLine(line: string): UdpPacket | undefined {
  const match = /^\S+ (IP6?) (\S+)\.(\d+) > (\S+)\.(\d+): UDP, length (\d+)/.exec(line.trim());
  if (match === null) return undefined;
  return {
    family: match[1] === 'IP6' ? 'IPv6' : 'IPv4',
    source: match[2]!,
    sourcePort: Number(match[3]),
    destination: match[4]!,
    destinationPort: Number(match[5]),
    length: Number(match[6]),
  };
}

export interface Capture {
  readonly process: HostProcess;
  /** Datagrams captured so far. */
  packets(): UdpPacket[];
  /** Stops tcpdump (SIGINT flushes it) and returns every datagram it saw. */
  stop(): Promise<UdpPacket[]>;
}

/** Starts tcpdump in a lab host and waits until it is capturing. `filter` is a pcap filter, e.g. `udp port 1337`. */
export async function startCapture(
  lab: NetnsLab,
  host: string,
  tcpdumpPath: string,
  iface: string,
  filter: string,
): Promise<Capture> {
  const process_ = startInHost(
    lab,
    host,
    tcpdumpPath,
    ['-i', iface, '-n', '-l', '-U', '-Z', 'root', ...filter.split(' ')],
    { label: `${host}: tcpdump -i ${iface} ${filter}` },
  );
  await process_.waitForOutput(/listening on/, 'tcpdump capturing', { stream: 'stderr', timeoutMs: 10_000 });
  const packets = () => process_.stdout.flatMap((line) => parseTcpdumpUdpLine(line) ?? []);
  return {
    process: process_,
    packets,
    stop: async () => {
      await process_.stop('SIGINT', 3000);
      return packets();
    },
  };
}
