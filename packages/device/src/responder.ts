// The search responder: every datagram goes through the defences (off-link, parse limits, kind, MX, per-source
// bucket, global caps), then each response of each device is scheduled at its own uniform random delay in
// [0, window - REPLY_MARGIN_MS] on the one shared scheduler, so a search never blocks the next one and its
// responses are spread.
import {
  getHeader,
  parseMessage,
  searchResponses,
  type MSearchMessage,
  type SearchMatch,
  type SearchTarget,
} from '@ssdp/protocol';
import type { ScheduledTask } from '@ssdp/runtime';
import { onSubnet, type Datagram, type TransportInterface } from '@ssdp/transport';
import { createAnswerCache } from './answer-cache.ts';
import type { DeviceContext } from './device-context.ts';
import type { DropReason, Endpoint } from './events.ts';
import type { FleetMember } from './fleet.ts';
import { buildAnswer } from './messages.ts';
import { TokenBucket, createSourceLimiter } from './token-bucket.ts';
import { AmplificationGuard } from './amplification-guard.ts';
import { ANSWER_BYTES_ESTIMATE } from './limits.ts';
import { checkSearch } from './search-checks.ts';

export interface Responder {
  handle(datagram: Datagram): void;
  /** Cancels every pending response (shutdown). */
  cancelAll(): void;
  /** Resolves when every response already handed to the transport has settled. */
  settled(): Promise<void>;
  readonly pending: number;
}

interface Search {
  readonly id: number;
  readonly remote: Endpoint;
  /** Where the answer goes: the source endpoint (upnp) or (source address, SSDP port) (legacy). */
  readonly replyTo: Endpoint;
  readonly interfaceId: string;
  readonly receivedAt: number;
  readonly mx: string | undefined;
  readonly windowMs: number;
  readonly total: number;
  done: number;
}

interface Answer {
  readonly member: FleetMember;
  readonly match: SearchMatch;
}

interface Pending {
  readonly search: Search;
  readonly member: FleetMember;
  readonly match: SearchMatch;
}

const decoder = new TextDecoder();

/**
 * Responses are drawn in [0, window - margin], not [0, window]: the delay runs from when the device processed the
 * search, so the search's receive latency and timer lateness pushed the last sliver of uniform draws past MX at
 * the control point (0.05% late by up to 35 ms at 5k searches/s). Still a random delay between 0 and MX (UDA).
 */
export const REPLY_MARGIN_MS = 100;

/** Loopback sources count as on-link on a loopback interface (127.0.0.0/8, ::1). */
function isLoopbackAddress(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

export function isOnLink(iface: TransportInterface, datagram: Datagram): boolean {
  const source = datagram.remote.address;
  if (iface.internal && isLoopbackAddress(source)) return true;
  // ff02::c is link-scoped: routers never forward it, so whatever arrives on it comes from this link.
  if (iface.family === 'IPv6' && datagram.via === 'multicast') return true;
  if (iface.family === 'IPv6' && source.includes('%')) return true; // a link-local source, scoped to this link
  return onSubnet(iface, source);
}

export function createResponder(context: DeviceContext): Responder {
  const { clock, random, scheduler, limits, stats } = context;
  const sources = createSourceLimiter({
    burst: limits.sourceBurst,
    ratePerSecond: limits.sourceRatePerSecond,
    tableSize: limits.sourceTableSize,
  });
  const responseBucket = new TokenBucket(limits.responseBurst, limits.responseRatePerSecond, clock.now());
  const guard = new AmplificationGuard({
    ratio: limits.amplificationRatio,
    holdMs: limits.amplificationHoldMs,
    creditCapBytes: limits.amplificationCreditBytes,
  });
  // What the guard charges per answer: the largest answer built so far (an estimate until the first one).
  let answerBytes = ANSWER_BYTES_ESTIMATE;
  // Each answer is one task on the shared scheduler; the set is what cancelAll() cancels and `pending` counts.
  const pending = new Set<ScheduledTask>();
  // Sends handed to the transport and not settled yet; settled() waits for them (shutdown).
  let inFlight = 0;
  let settledWaiters: (() => void)[] = [];
  let nextSearchId = 1;
  const answerCache = createAnswerCache((now, iface, location, member, match) =>
    buildAnswer(context, iface, location, member.configId, match, now),
  );
  // Events nobody prints are never built (and the datagram is decoded for `raw` only with --verbose).
  const wantsSearch = context.wants('search-received');
  const wantsRaw = context.interest.raw;
  const wantsEachResponse = context.wants('response-sent') && context.interest.responses === 'each';
  const wantsLastResponse = context.wants('response-sent') && context.interest.responses === 'last';
  const wantsResponse = (search: Search): boolean =>
    wantsEachResponse || (wantsLastResponse && search.done === search.total);

  // ssdp:all and upnp:rootdevice are the common searches: their matches are computed once per member.
  const allMatches = new Map<FleetMember, SearchMatch[]>();
  const byUuid = new Map<string, FleetMember>();
  for (const member of context.fleet.members) {
    allMatches.set(
      member,
      member.advertisements.map(({ nt, usn }) => ({ st: nt, usn })),
    );
    for (const uuid of member.uuids) byUuid.set(uuid, member);
  }

  function matchesOf(member: FleetMember, st: SearchTarget): SearchMatch[] {
    if (st.type === 'all') return allMatches.get(member) ?? [];
    if (st.type === 'root-device') return [{ st: 'upnp:rootdevice', usn: `${member.udn}::upnp:rootdevice` }];
    return searchResponses(member.description.device, st);
  }

  function collect(message: MSearchMessage): Answer[] {
    const st = message.st;
    const out: Answer[] = [];
    if (st !== undefined && st.type === 'uuid') {
      const member = byUuid.get(st.uuid.toLowerCase());
      if (member !== undefined) for (const match of matchesOf(member, st)) out.push({ member, match });
    } else if (st !== undefined) {
      for (const member of context.fleet.members)
        for (const match of matchesOf(member, st)) out.push({ member, match });
    }
    if (out.length === 0 && context.profile === 'legacy') {
      // The prototype sends `ST: null` and expects an answer whatever the ST: the root device says it is alive.
      for (const member of context.fleet.members)
        out.push({ member, match: { st: 'upnp:rootdevice', usn: `${member.udn}::upnp:rootdevice` } });
    }
    return out;
  }

  function schedule(dueAt: number, item: Pending): void {
    const task = scheduler.scheduleAt(dueAt, () => {
      pending.delete(task);
      send(item);
    });
    pending.add(task);
  }

  function settleOne(): void {
    inFlight -= 1;
    if (inFlight > 0) return;
    const waiters = settledWaiters;
    settledWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function send(item: Pending): void {
    const { search, member, match } = item;
    const iface = context.interface(search.interfaceId);
    const location = iface === undefined ? undefined : context.location(iface, member);
    if (iface === undefined || location === undefined) {
      search.done += 1;
      context.drop('interface-gone', 1, { interfaceId: search.interfaceId });
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = answerCache.get(clock.now(), context.bootId(), iface, location, member, match);
      if (bytes.length > answerBytes) answerBytes = bytes.length;
    } catch (error) {
      search.done += 1;
      context.drop('send-failed', 1, { detail: error instanceof Error ? error.message : String(error) });
      return;
    }
    const sending = context.transport.send(bytes, {
      kind: 'unicast',
      interfaceId: iface.id,
      address: search.replyTo.address,
      port: search.replyTo.port,
    });
    inFlight += 1;
    void sending.then(
      () => {
        settleOne();
        search.done += 1;
        stats.responses += 1;
        if (!wantsResponse(search)) return;
        context.emit({
          event: 'response-sent',
          searchId: search.id,
          to: search.replyTo,
          interfaceId: iface.id,
          st: match.st,
          usn: match.usn,
          delayMs: clock.now() - search.receivedAt,
          mx: search.mx,
          windowMs: search.windowMs,
          index: search.done,
          total: search.total,
        });
      },
      (error: unknown) => {
        settleOne();
        search.done += 1;
        context.drop('send-failed', 1, {
          source: search.replyTo,
          detail: error instanceof Error ? error.message : String(error),
        });
      },
    );
  }

  /** Why the global caps refuse a whole search now, if they do. */
  function refusedByCaps(now: number): DropReason | undefined {
    if (pending.size >= limits.maxPendingResponses) return 'pending-cap';
    if (responseBucket.available(now) < 1) return 'response-rate-limit';
    if (guard.allowance(now, answerBytes) < 1) return 'amplification-guard';
    return undefined;
  }

  /**
   * The answers the caps grant out of `wanted`: the pending cap, then the amplification guard (it only binds once
   * a cap has engaged), then the global bucket. Any cut engages the guard; each is counted under its own reason.
   */
  function grant(wanted: Answer[], now: number): { answers: Answer[]; cuts: [DropReason, number][] } {
    const room = limits.maxPendingResponses - pending.size;
    const afterPending = Math.min(wanted.length, room);
    const afterGuard = Math.min(afterPending, guard.allowance(now, answerBytes));
    const granted = responseBucket.takeUpTo(now, afterGuard);
    guard.spend(now, granted, answerBytes);
    if (granted < wanted.length) guard.engage(now);
    const cuts: [DropReason, number][] = [];
    if (afterPending < wanted.length) cuts.push(['pending-cap', wanted.length - afterPending]);
    if (afterGuard < afterPending) cuts.push(['amplification-guard', afterPending - afterGuard]);
    if (granted < afterGuard) cuts.push(['response-rate-limit', afterGuard - granted]);
    return { answers: granted < wanted.length ? wanted.slice(0, granted) : wanted, cuts };
  }

  function handle(datagram: Datagram): void {
    const source: Endpoint = { address: datagram.remote.address, port: datagram.remote.port };
    const iface = context.interface(datagram.interfaceId);
    if (iface === undefined) return; // the interface went away while the datagram was queued
    if (!limits.allowOffLink && !isOnLink(iface, datagram)) {
      context.drop('off-link', 1, { source, interfaceId: iface.id });
      return;
    }
    const parsed = parseMessage(datagram.bytes, { limits: limits.parseLimits });
    if (!parsed.ok) {
      context.drop('malformed', 1, { source, interfaceId: iface.id, detail: parsed.error.code });
      return;
    }
    const message = parsed.message;
    if (message.kind !== 'm-search') {
      context.drop('not-a-search', 1, { source, interfaceId: iface.id });
      return;
    }
    const check = checkSearch(message, datagram.via !== 'unicast', context.profile);
    if (!check.respond) {
      context.drop(check.reason, 1, { source, interfaceId: iface.id, detail: check.detail });
      return;
    }
    const now = clock.now();
    guard.earn(datagram.bytes.length);
    if (!sources.allow(normalizeSource(source.address), now)) {
      // Not an engagement of the guard: one source over its own cap is already held to 2 searches/s (out/in
      // 0.27 at 100/s), and the guard would make every other control point pay for its answered searches.
      context.drop('source-rate-limit', 1, { source, interfaceId: iface.id });
      return;
    }
    // Cheap checks before matching: under a flood the fleet-wide match is the expensive part.
    const refusal = refusedByCaps(now);
    if (refusal !== undefined) {
      guard.engage(now);
      context.drop(refusal, 1, { source, interfaceId: iface.id });
      return;
    }
    stats.searches += 1;
    const wanted = collect(message);
    const { answers, cuts } = grant(wanted, now);

    const replyTo = context.profile === 'legacy' ? { address: source.address, port: context.port } : source;
    const search: Search = {
      id: nextSearchId++,
      remote: source,
      replyTo,
      interfaceId: iface.id,
      receivedAt: now,
      mx: message.mxRaw,
      windowMs: check.windowMs,
      total: answers.length,
      done: 0,
    };
    if (wantsSearch) {
      context.emit({
        event: 'search-received',
        searchId: search.id,
        from: source,
        interfaceId: iface.id,
        via: datagram.via,
        st: getHeader(message, 'ST'),
        mx: message.mxRaw,
        userAgent: message.userAgent,
        windowMs: check.windowMs,
        responses: answers.length,
        ...(wantsRaw ? { raw: decoder.decode(datagram.bytes) } : {}),
      });
    }
    for (const [reason, count] of cuts) context.drop(reason, count, { source, interfaceId: iface.id });
    const spreadMs = Math.max(0, check.windowMs - REPLY_MARGIN_MS);
    // Each response at its own uniform delay in [0, window - margin]: spread, never bunched at one instant.
    for (const { member, match } of answers) schedule(now + random() * spreadMs, { search, member, match });
  }

  return {
    handle,
    cancelAll() {
      for (const task of pending) scheduler.cancel(task);
      pending.clear();
    },
    settled() {
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => settledWaiters.push(resolve));
    },
    get pending() {
      return pending.size;
    },
  };
}

/** Buckets are per host: an IPv6 link-local source keeps its scope so equal addresses on two links differ. */
function normalizeSource(address: string): string {
  return address.toLowerCase();
}
