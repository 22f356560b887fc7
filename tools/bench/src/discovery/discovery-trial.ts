// One search of one fleet by one control point, reduced to the numbers benchmark 2 reports. Pure: the raw
// outputs go in (our controller's NDJSON, the node-ssdp client's JSON line, the tap's search time, usage).

export type ClientName = 'ours' | 'ours-no-describe' | 'node-ssdp';
export const CLIENT_NAMES: readonly ClientName[] = ['ours', 'ours-no-describe', 'node-ssdp'];

export interface TrialInput {
  readonly client: ClientName;
  /** Devices in the fleet. */
  readonly fleetSize: number;
  /** When the control point's first M-SEARCH was on the wire (tap), epoch ms. */
  readonly searchAt: number;
  /** First-seen time of each distinct UDN, epoch ms. */
  readonly firstSeen: readonly number[];
  readonly mx: number;
  /** CPU time of the whole process (user + system), ms. */
  readonly cpuMs: number;
  /** CPU time spent before the search went out (start-up), ms, from /proc samples. */
  readonly cpuBeforeSearchMs: number;
  readonly maxRssKiB: number;
  /** Process start to exit, ms. */
  readonly wallMs: number;
  /** NOTIFYs seen on the wire from the search to MX + 1 s after it (should be 0). */
  readonly notifiesDuring: number;
  readonly exitCode: number | null;
}

export interface TrialResult extends TrialInput {
  readonly found: number;
  readonly fraction: number;
  /** Found within MX + 0.5 s of the search. */
  readonly foundByDeadline: number;
  /** Search to the last first-seen, ms (NaN when nothing was found). */
  readonly lastMs: number;
  readonly cpuAfterSearchMs: number;
}

export function reduceTrial(input: TrialInput): TrialResult {
  const deadline = input.searchAt + input.mx * 1000 + 500;
  let last = Number.NEGATIVE_INFINITY;
  let byDeadline = 0;
  for (const seen of input.firstSeen) {
    if (seen > last) last = seen;
    if (seen <= deadline) byDeadline += 1;
  }
  const found = input.firstSeen.length;
  return {
    ...input,
    found,
    fraction: input.fleetSize === 0 ? 0 : found / input.fleetSize,
    foundByDeadline: byDeadline,
    lastMs: found === 0 ? Number.NaN : last - input.searchAt,
    cpuAfterSearchMs: Math.max(0, input.cpuMs - input.cpuBeforeSearchMs),
  };
}

/** The UDN of a USN (`uuid:X` or `uuid:X::target`), lower-cased; undefined for a USN without one. */
export function udnOf(usn: string | undefined): string | undefined {
  if (usn === undefined || !/^uuid:/i.test(usn)) return undefined;
  const cut = usn.indexOf('::');
  return (cut < 0 ? usn : usn.slice(0, cut)).toLowerCase();
}

/** First-seen times (epoch ms) of the distinct UDNs in our controller's `--once --json` output. */
export function firstSeenFromControllerOutput(lines: readonly string[]): number[] {
  const seen = new Map<string, number>();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as { event?: unknown; udn?: unknown; firstSeen?: unknown };
    if (record.event !== 'device-found' || typeof record.udn !== 'string' || typeof record.firstSeen !== 'string')
      continue;
    const at = Date.parse(record.firstSeen);
    if (!Number.isFinite(at)) throw new Error(`device-found with a bad firstSeen: ${record.firstSeen}`);
    const udn = record.udn.toLowerCase();
    seen.set(udn, Math.min(at, seen.get(udn) ?? Number.POSITIVE_INFINITY));
  }
  return [...seen.values()];
}

/** The node-ssdp client script's one JSON line. */
export function firstSeenFromNodeSsdpOutput(lines: readonly string[]): {
  sentAt: number;
  responses: number;
  firstSeen: number[];
} {
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as { sentAt?: unknown; responses?: unknown; firstSeen?: unknown };
    if (typeof record.sentAt === 'number' && typeof record.responses === 'number' && Array.isArray(record.firstSeen)) {
      return {
        sentAt: record.sentAt,
        responses: record.responses,
        firstSeen: record.firstSeen.filter((v): v is number => typeof v === 'number'),
      };
    }
  }
  throw new Error('the node-ssdp client printed no result line');
}

/** A trial for the JSON results: the per-UDN times (thousands of numbers) as quantiles from the search, ms. */
export function compactTrial(
  trial: TrialResult,
): Omit<TrialResult, 'firstSeen'> & { firstSeenMs: Record<string, number> } {
  const { firstSeen, ...rest } = trial;
  const since = firstSeen.map((at) => at - trial.searchAt).sort((a, b) => a - b);
  const at = (q: number): number =>
    since.length === 0 ? Number.NaN : since[Math.min(since.length - 1, Math.floor(q * since.length))]!;
  return {
    ...rest,
    firstSeenMs: {
      n: since.length,
      min: at(0),
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: since.length === 0 ? Number.NaN : since[since.length - 1]!,
    },
  };
}
