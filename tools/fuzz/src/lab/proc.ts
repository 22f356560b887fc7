// Reading a process's memory and its network namespace's UDP state from /proc. /proc/<pid>/net/* shows the
// namespace of that process, so the runner (in the host namespace) can read the counters of a lab host without
// entering it.
import { readFileSync } from 'node:fs';

/** Resident set size in KiB (VmRSS), or undefined once the process is gone. */
export function readRssKiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

export interface UdpSocketInfo {
  readonly localAddress: string;
  readonly localPort: number;
  /** Bytes queued for the application (kernel accounting, truesize). */
  readonly rxQueue: number;
  /** Datagrams the kernel dropped for this socket (buffer full). */
  readonly drops: number;
  readonly inode: number;
}

function ipv4FromHex(hex: string): string {
  const value = parseInt(hex, 16);
  return [value & 255, (value >>> 8) & 255, (value >>> 16) & 255, value >>> 24].join('.');
}

/** The IPv4 UDP sockets of the namespace `pid` lives in (/proc/<pid>/net/udp). */
export function readUdpSockets(pid: number): UdpSocketInfo[] {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/net/udp`, 'utf8');
  } catch {
    return [];
  }
  const out: UdpSocketInfo[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 13) continue;
    const [address, port] = fields[1]!.split(':') as [string, string];
    const [, rx] = fields[4]!.split(':') as [string, string];
    out.push({
      localAddress: ipv4FromHex(address),
      localPort: parseInt(port, 16),
      rxQueue: parseInt(rx, 16),
      drops: Number(fields[12]),
      inode: Number(fields[9]),
    });
  }
  return out;
}

/** The `Udp:` line of /proc/<pid>/net/snmp (InDatagrams, NoPorts, InErrors, RcvbufErrors, ...). */
export function readUdpSnmp(pid: number): Record<string, number> {
  try {
    return snmpSection(readFileSync(`/proc/${pid}/net/snmp`, 'utf8'), 'Udp');
  } catch {
    return {};
  }
}

/** The `Ip:` line (ReasmFails, ReasmOKs ... for the fragmented 64 KiB datagrams). */
export function readIpSnmp(pid: number): Record<string, number> {
  try {
    return snmpSection(readFileSync(`/proc/${pid}/net/snmp`, 'utf8'), 'Ip');
  } catch {
    return {};
  }
}

function snmpSection(text: string, section: string): Record<string, number> {
  const lines = text.split('\n').filter((l) => l.startsWith(`${section}: `));
  if (lines.length < 2) return {};
  const names = lines[0]!.split(/\s+/).slice(1);
  const values = lines[1]!.split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? 0]));
}

export function diffCounters(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

/** User + system CPU time of a process in milliseconds (from /proc/<pid>/stat), or undefined once it is gone. */
export function readCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) are at index 11 and 12 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}
