// The search responder: every datagram goes through the defences (off-link, parse limits, kind, MX, per-source
// bucket, global caps), then each response of each device is scheduled at its own uniform random delay in
// [0, window - REPLY_MARGIN_MS] on the one shared scheduler, so a search never blocks the next one and its
// responses are spread. This file wires the parts: search-admission (caps), search-matcher, answer-sender.
import { getHeader, parseMessageView } from '@ssdp/protocol';
import { onSubnet, type Datagram, type TransportInterface } from '@ssdp/transport';
import { createAnswerSender, type Search } from './answer-sender.ts';
import type { DeviceContext } from './device-context.ts';
import type { Endpoint } from './events.ts';
import { createSearchAdmission } from './search-admission.ts';
import { checkSearch } from './search-checks.ts';
import { createSearchMatcher } from './search-matcher.ts';

export interface Responder {
  handle(datagram: Datagram): void;
  /** Cancels every pending response (shutdown). */
  cancelAll(): void;
  /** Resolves when every response already handed to the transport has settled. */
  settled(): Promise<void>;
  readonly pending: number;
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
  const { clock, random, limits, stats } = context;
  const admission = createSearchAdmission(limits, clock);
  const collect = createSearchMatcher(context);
  const sender = createAnswerSender(context, (bytes) => admission.noteAnswerBytes(bytes));
  let nextSearchId = 1;
  // Events nobody prints are never built (and the datagram is decoded for `raw` only with --verbose).
  const wantsSearch = context.wants('search-received');
  const wantsRaw = context.interest.raw;

  function handle(datagram: Datagram): void {
    const source: Endpoint = { address: datagram.remote.address, port: datagram.remote.port };
    const iface = context.interface(datagram.interfaceId);
    if (iface === undefined) return; // the interface went away while the datagram was queued
    if (!limits.allowOffLink && !isOnLink(iface, datagram)) {
      context.drop('off-link', 1, { source, interfaceId: iface.id });
      return;
    }
    const parsed = parseMessageView(datagram.bytes, { limits: limits.parseLimits });
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
    admission.earn(datagram.bytes.length);
    if (!admission.allowSource(source.address, now)) {
      // Not an engagement of the guard: one source over its own cap is already held to 2 searches/s (out/in
      // 0.27 at 100/s), and the guard would make every other control point pay for its answered searches.
      context.drop('source-rate-limit', 1, { source, interfaceId: iface.id });
      return;
    }
    // Cheap checks before matching: under a flood the fleet-wide match is the expensive part.
    const refusal = admission.refuse(now, sender.pending);
    if (refusal !== undefined) {
      context.drop(refusal, 1, { source, interfaceId: iface.id });
      return;
    }
    stats.searches += 1;
    const { answers, cuts } = admission.grant(collect(message), now, sender.pending);

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
    for (const { member, match } of answers) sender.schedule(now + random() * spreadMs, { search, member, match });
  }

  return {
    handle,
    cancelAll: () => sender.cancelAll(),
    settled: () => sender.settled(),
    get pending() {
      return sender.pending;
    },
  };
}
