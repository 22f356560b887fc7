// Parsers for what benchmark 3 reads after a storm: the kernel's UDP counters of the device's namespace, our
// device's `stopped` summary line, the node-ssdp / @achingbrain/ssdp wrappers' JSON, and the flood generator's
// JSON. Pure, so they are unit-tested on real outputs.
import { lastAtOrBefore, type ProcSample } from '../lab/process-usage.ts';

export interface UdpCounters {
  readonly inDatagrams: number;
  readonly noPorts: number;
  readonly inErrors: number;
  readonly outDatagrams: number;
  readonly rcvbufErrors: number;
  readonly sndbufErrors: number;
}

/** The `Udp:` header/value line pair of /proc/net/snmp (per network namespace). */
export function parseUdpSnmp(text: string): UdpCounters {
  const lines = text.split('\n').filter((line) => line.startsWith('Udp: '));
  if (lines.length < 2) throw new Error('no Udp lines in /proc/net/snmp');
  const names = lines[0]!.split(/\s+/).slice(1);
  const values = lines[1]!.split(/\s+/).slice(1).map(Number);
  const get = (name: string): number => {
    const index = names.indexOf(name);
    if (index < 0 || !Number.isFinite(values[index])) throw new Error(`no Udp ${name} in /proc/net/snmp`);
    return values[index]!;
  };
  return {
    inDatagrams: get('InDatagrams'),
    noPorts: get('NoPorts'),
    inErrors: get('InErrors'),
    outDatagrams: get('OutDatagrams'),
    rcvbufErrors: get('RcvbufErrors'),
    sndbufErrors: get('SndbufErrors'),
  };
}

export function udpDelta(before: UdpCounters, after: UdpCounters): UdpCounters {
  return {
    inDatagrams: after.inDatagrams - before.inDatagrams,
    noPorts: after.noPorts - before.noPorts,
    inErrors: after.inErrors - before.inErrors,
    outDatagrams: after.outDatagrams - before.outDatagrams,
    rcvbufErrors: after.rcvbufErrors - before.rcvbufErrors,
    sndbufErrors: after.sndbufErrors - before.sndbufErrors,
  };
}

export interface DeviceStopStats {
  readonly searches: number;
  readonly responses: number;
  readonly ignored: number;
  readonly dropped: Readonly<Record<string, number>>;
  /** What the kernel dropped before the device read it, by its own count (absent where it cannot tell). */
  readonly kernelDrops?: number;
}

/**
 * Our device's human summary: `stopped (SIGTERM) after 12.34 s: 5 searches, 7 responses, 3 alive, 3 byebye,
 * 0 updates, 2 other messages ignored; dropped: source-rate-limit 10, pending-cap 2` (or `dropped: none`),
 * then `; kernel-drops N` where the device can read that count.
 */
export function parseDeviceStopped(line: string): DeviceStopStats {
  const match =
    /^stopped \([^)]*\) after [\d.]+ s: (\d+) searches, (\d+) responses, \d+ alive, \d+ byebye, \d+ updates, (\d+) other messages ignored; dropped: (.*?)(?:; kernel-drops (\d+))?$/.exec(
      line.trim(),
    );
  if (match === null) throw new Error(`not a stopped line: ${line}`);
  const dropped: Record<string, number> = {};
  if (match[4] !== 'none') {
    for (const part of match[4]!.split(', ')) {
      const item = /^([a-z-]+) (\d+)$/.exec(part);
      if (item === null) throw new Error(`bad dropped item "${part}" in: ${line}`);
      dropped[item[1]!] = Number(item[2]);
    }
  }
  return {
    searches: Number(match[1]),
    responses: Number(match[2]),
    ignored: Number(match[3]),
    dropped,
    ...(match[5] === undefined ? {} : { kernelDrops: Number(match[5]) }),
  };
}

export interface LibraryStopStats {
  readonly searches: number;
  readonly responses: number;
}

/** The wrappers' `{"event":"stopped","searches":…,"responses":…}` line. */
export function parseLibraryStopped(lines: readonly string[]): LibraryStopStats {
  for (const line of lines) {
    if (!line.includes('"stopped"')) continue;
    const value = JSON.parse(line) as { searches?: unknown; responses?: unknown };
    if (typeof value.searches === 'number' && typeof value.responses === 'number')
      return { searches: value.searches, responses: value.responses };
  }
  throw new Error('no stopped line from the library wrapper');
}

export interface FloodResult {
  readonly rate: number;
  readonly sent: number;
  readonly sendSeconds: number;
  readonly achievedRate: number;
  readonly sendAgain: number;
  readonly sendErrors: number;
  readonly responses: number;
  readonly notOk: number;
  readonly late: number;
  readonly lateOver100ms: number;
  readonly lateOver1s: number;
  readonly maxLateMs: number;
  readonly maxDelayFraction: number;
  /** Responses timed by the kernel (SO_TIMESTAMPNS) rather than when read. */
  readonly kernelTimestamps: number;
  readonly delayDeciles: readonly number[];
}

export function parseFloodResult(line: string): FloodResult {
  const value = JSON.parse(line) as Partial<FloodResult>;
  for (const key of ['rate', 'sent', 'sendSeconds', 'achievedRate', 'responses', 'late', 'maxLateMs'] as const) {
    if (typeof value[key] !== 'number') throw new Error(`flood result without ${key}`);
  }
  if (!Array.isArray(value.delayDeciles) || value.delayDeciles.length !== 11)
    throw new Error('flood result without delayDeciles');
  return value as FloodResult;
}

/** Several generator processes as one: counts add up, the worst lateness wins, the rate is the sum. */
export function combineFloods(results: readonly FloodResult[]): FloodResult {
  if (results.length === 0) throw new Error('no flood results');
  const sum = (
    key: 'rate' | 'sent' | 'sendAgain' | 'sendErrors' | 'responses' | 'notOk' | 'late' | 'lateOver100ms' | 'lateOver1s',
  ): number => results.reduce((total, result) => total + result[key], 0);
  const sendSeconds = Math.max(...results.map((result) => result.sendSeconds));
  return {
    rate: sum('rate'),
    sent: sum('sent'),
    sendSeconds,
    achievedRate: results.reduce((total, result) => total + result.achievedRate, 0),
    sendAgain: sum('sendAgain'),
    sendErrors: sum('sendErrors'),
    responses: sum('responses'),
    notOk: sum('notOk'),
    late: sum('late'),
    lateOver100ms: sum('lateOver100ms'),
    lateOver1s: sum('lateOver1s'),
    maxLateMs: Math.max(...results.map((result) => result.maxLateMs)),
    maxDelayFraction: Math.max(...results.map((result) => result.maxDelayFraction)),
    kernelTimestamps: results.reduce((total, result) => total + (result.kernelTimestamps ?? 0), 0),
    delayDeciles: results[0]!.delayDeciles.map((_, i) =>
      results.reduce((total, result) => total + (result.delayDeciles[i] ?? 0), 0),
    ),
  };
}

export interface StormUsage {
  /** CPU used from the storm's start to its end, ms. */
  readonly cpuMs: number;
  /** cpuMs / storm wall time: cores used. */
  readonly cores: number;
  readonly rssStartKiB: number;
  readonly rssEndKiB: number;
  /** Peak RSS up to the storm's end (VmHWM). */
  readonly peakRssKiB: number;
  /** RSS growth over the storm's second half, KiB: ~0 when memory is flat. */
  readonly secondHalfGrowthKiB: number;
}

export function stormUsage(samples: readonly ProcSample[], start: number, end: number): StormUsage {
  const first = lastAtOrBefore(samples, start) ?? samples[0];
  const last = lastAtOrBefore(samples, end);
  const middle = lastAtOrBefore(samples, start + (end - start) / 2);
  if (first === undefined || last === undefined || middle === undefined)
    throw new Error('no process samples around the storm');
  return {
    cpuMs: last.cpuMs - first.cpuMs,
    cores: (last.cpuMs - first.cpuMs) / Math.max(1, last.at - first.at),
    rssStartKiB: first.rssKiB,
    rssEndKiB: last.rssKiB,
    peakRssKiB: last.peakRssKiB,
    secondHalfGrowthKiB: last.rssKiB - middle.rssKiB,
  };
}
