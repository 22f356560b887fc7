// Sends the answers of admitted searches: each answer is one task on the shared scheduler, built (cached) when it
// is due and handed to the transport; it reports response-sent or its drop and tracks sends not yet settled.
import type { SearchMatch } from '@ssdp/protocol';
import type { ScheduledTask } from '@ssdp/runtime';
import { createAnswerCache } from './answer-cache.ts';
import type { DeviceContext } from './device-context.ts';
import type { Endpoint } from './events.ts';
import type { FleetMember } from './fleet.ts';
import { buildAnswer } from './messages.ts';

export interface Search {
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

export interface PendingAnswer {
  readonly search: Search;
  readonly member: FleetMember;
  readonly match: SearchMatch;
}

export interface AnswerSender {
  schedule(dueAt: number, item: PendingAnswer): void;
  cancelAll(): void;
  settled(): Promise<void>;
  readonly pending: number;
}

/** `onAnswerBytes` learns the size of each answer built (the amplification guard's charge). */
export function createAnswerSender(context: DeviceContext, onAnswerBytes: (bytes: number) => void): AnswerSender {
  const { clock, scheduler, stats } = context;
  // Each answer is one task on the shared scheduler; the set is what cancelAll() cancels and `pending` counts.
  const pending = new Set<ScheduledTask>();
  // Sends handed to the transport and not settled yet; settled() waits for them (shutdown).
  let inFlight = 0;
  let settledWaiters: (() => void)[] = [];
  const answerCache = createAnswerCache((now, iface, location, member, match) =>
    buildAnswer(context, iface, location, member.configId, match, now),
  );
  const wantsEachResponse = context.wants('response-sent') && context.interest.responses === 'each';
  const wantsLastResponse = context.wants('response-sent') && context.interest.responses === 'last';
  const wantsResponse = (search: Search): boolean =>
    wantsEachResponse || (wantsLastResponse && search.done === search.total);

  function settleOne(): void {
    inFlight -= 1;
    if (inFlight > 0) return;
    const waiters = settledWaiters;
    settledWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function send(item: PendingAnswer): void {
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
      onAnswerBytes(bytes.length);
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

  return {
    schedule(dueAt, item) {
      const task = scheduler.scheduleAt(dueAt, () => {
        pending.delete(task);
        send(item);
      });
      pending.add(task);
    },
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
