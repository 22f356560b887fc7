// One burst into one receiver, reduced to what benchmark 5 reports. Pure: the raw outputs go in (burst.c's JSON
// line, our controller's NDJSON, node-ssdp's and the bare counter's JSON line, the namespace's UDP counters).

export type RegimeName = 'a' | 'b' | 'c';
export type ReceiverName = 'ours' | 'ours-no-describe' | 'node-ssdp' | 'bare';
export const RECEIVER_NAMES: readonly ReceiverName[] = ['ours', 'ours-no-describe', 'node-ssdp', 'bare'];

export interface Regime {
  readonly name: RegimeName;
  readonly answers: 1 | 3;
  /** 0: all at once. */
  readonly spreadMs: number;
  readonly label: string;
}

export const REGIMES: Readonly<Record<RegimeName, Regime>> = {
  a: { name: 'a', answers: 3, spreadMs: 1000, label: '3 answers per device, spread over 1 s' },
  b: { name: 'b', answers: 3, spreadMs: 0, label: '3 answers per device, all at once' },
  c: { name: 'c', answers: 1, spreadMs: 0, label: '1 answer per device, all at once' },
};

/** burst.c's last line. Times are epoch ms. */
export interface SenderResult {
  readonly searchAt: number;
  readonly firstSendAt: number;
  readonly lastSendAt: number;
  readonly sent: number;
  readonly sendErrors: number;
}

export function parseSenderResult(lines: readonly string[]): SenderResult {
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as Partial<SenderResult> & { event?: string };
    if (record.event === 'timeout') throw new Error('the fleet saw no M-SEARCH from the receiver');
    if (record.event !== 'sent') continue;
    for (const key of ['searchAt', 'firstSendAt', 'lastSendAt', 'sent', 'sendErrors'] as const) {
      if (typeof record[key] !== 'number') throw new Error(`burst result without ${key}`);
    }
    return record as SenderResult;
  }
  throw new Error('the fleet printed no result');
}

/** What a receiver says about itself. */
export interface ReceiverOutcome {
  /** Datagrams of the burst that reached the process (searches excluded). */
  readonly received: number;
  /** Distinct devices found. */
  readonly found: number;
  /** Devices described (ours with describe on). */
  readonly described?: number;
  /** The kernel drops the receiver itself reports (ours, bare); null when it does not say. */
  readonly kernelDrops: number | null;
  /** Ours: when the listing started (every description done), epoch ms. */
  readonly listedAt?: number;
  /** Ours: the receive buffer granted. */
  readonly granted?: number | null;
}

interface ControllerLine {
  readonly event?: string;
  readonly udn?: string;
  readonly describe?: string;
  readonly time?: string;
  readonly datagrams?: number;
  readonly ignored?: number;
  readonly kernelDrops?: number | null;
  readonly receiveBuffer?: { readonly granted?: number | null } | null;
}

/** Our `ssdp-controller --once --json` output: device-found lines, then the stats line. */
export function oursOutcome(lines: readonly string[]): ReceiverOutcome {
  const udns = new Set<string>();
  let described = 0;
  let listedAt: number | undefined;
  let stats: ControllerLine | undefined;
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as ControllerLine;
    if (record.event === 'stats') stats = record;
    if (record.event !== 'device-found' || typeof record.udn !== 'string') continue;
    if (listedAt === undefined && record.time !== undefined) listedAt = Date.parse(record.time);
    const udn = record.udn.toLowerCase();
    if (udns.has(udn)) continue;
    udns.add(udn);
    if (record.describe === 'described') described += 1;
  }
  if (stats === undefined || typeof stats.datagrams !== 'number' || typeof stats.ignored !== 'number')
    throw new Error('ssdp-controller printed no stats line');
  return {
    received: stats.datagrams - stats.ignored,
    found: udns.size,
    described,
    kernelDrops: stats.kernelDrops ?? null,
    ...(listedAt === undefined ? {} : { listedAt }),
    granted: stats.receiveBuffer?.granted ?? null,
  };
}

/** node-ssdp-client.ts's line: {"sentAt", "responses", "firstSeen": [...]}. */
export function nodeSsdpOutcome(lines: readonly string[]): ReceiverOutcome {
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as { responses?: unknown; firstSeen?: unknown };
    if (typeof record.responses === 'number' && Array.isArray(record.firstSeen)) {
      return { received: record.responses, found: record.firstSeen.length, kernelDrops: null };
    }
  }
  throw new Error('the node-ssdp client printed no result line');
}

/** bare-receiver.ts's line: {"datagrams", "devices", "kernelDrops", ...}. */
export function bareOutcome(lines: readonly string[]): ReceiverOutcome {
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as { datagrams?: unknown; devices?: unknown; kernelDrops?: unknown };
    if (typeof record.datagrams === 'number' && typeof record.devices === 'number') {
      return {
        received: record.datagrams,
        found: record.devices,
        kernelDrops: typeof record.kernelDrops === 'number' ? record.kernelDrops : null,
      };
    }
  }
  throw new Error('the bare receiver printed no result line');
}

export interface TrialInput {
  readonly regime: RegimeName;
  readonly size: number;
  readonly receiver: ReceiverName;
  readonly round: number;
  readonly sender: SenderResult;
  readonly outcome: ReceiverOutcome;
  /** RcvbufErrors of the receiver's namespace during the trial (/proc/net/snmp). */
  readonly namespaceDrops: number;
  /** CPU of the receiver from the search to its exit (user + system), ms. */
  readonly cpuAfterSearchMs: number;
  readonly maxRssKiB: number;
  readonly exitCode: number | null;
}

export interface BurstTrial extends Omit<TrialInput, 'sender' | 'outcome'> {
  readonly sent: number;
  /** Sender's first to last answer, ms. */
  readonly sendMs: number;
  readonly received: number;
  /** Sent and never received. */
  readonly lost: number;
  readonly found: number;
  readonly fraction: number;
  readonly described: number | undefined;
  /** Search to the listing (every description done), ms: ours only. */
  readonly listedAfterMs: number | undefined;
  /** What the receiver itself reports (null: it cannot say). */
  readonly kernelDrops: number | null;
  /** lost = the namespace's RcvbufErrors, and = the receiver's own count where it has one. */
  readonly lostIsKernelDrops: boolean;
  readonly granted: number | null | undefined;
}

export function reduceTrial(input: TrialInput): BurstTrial {
  const { sender, outcome, ...rest } = input;
  const lost = sender.sent - outcome.received;
  return {
    ...rest,
    sent: sender.sent,
    sendMs: sender.lastSendAt - sender.firstSendAt,
    received: outcome.received,
    lost,
    found: outcome.found,
    fraction: input.size === 0 ? 0 : outcome.found / input.size,
    described: outcome.described,
    listedAfterMs: outcome.listedAt === undefined ? undefined : outcome.listedAt - sender.searchAt,
    kernelDrops: outcome.kernelDrops,
    lostIsKernelDrops: lost === input.namespaceDrops && (outcome.kernelDrops === null || outcome.kernelDrops === lost),
    granted: outcome.granted,
  };
}

/**
 * The `top` longest GC pauses in a node process's `--trace-gc` lines (V8 prints
 * "[pid:0x…] 123 ms: Mark-Compact 123.4 (…) -> …, 45.6 / 0.0 ms …"), longest first.
 */
export function longestGcPauses(lines: readonly string[], top: number): { kind: string; ms: number }[] {
  return lines
    .map((line) => /^\[\d+:0x[0-9a-f]+\]\s+\d+ ms: (\S+).*?, ([\d.]+) \/ [\d.]+ ms/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ kind: match[1]!, ms: Number(match[2]) }))
    .sort((x, y) => y.ms - x.ms)
    .slice(0, top);
}
