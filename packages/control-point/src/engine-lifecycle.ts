// Starting and stopping the control point engine's parts, in the order that matters: listen before the transport
// opens and warm the receive path before the first search (its answers may all come at once); at stop, end new
// work first, still say what already happened, then clear the tables and close the transport.
import type { Datagram } from '@ssdp/transport';
import type { EngineParts } from './engine-parts.ts';

/**
 * Subscribes `onDatagram`, starts the transport (rejects with its TransportError), warms the receive loop and the
 * describer, calls `started` and runs the first search cycle.
 */
export async function startEngine(
  parts: EngineParts,
  onDatagram: (datagram: Datagram) => void,
  started: () => void,
): Promise<void> {
  const { transport, log } = parts;
  parts.unsubscribes.push(transport.onDatagram(onDatagram));
  parts.unsubscribes.push(transport.onError((error) => log(error.toOneLine())));
  await transport.start();
  parts.receiving.started();
  parts.loop.warm(); // before the search: its answers may all come at once
  parts.descriptions?.warm(); // so the answers' descriptions do not wait for the HTTP client and the XML parser
  started();
  parts.searches.start();
}

/** Stops describing and receiving, delivers the events already due, clears every table, stops the transport. */
export async function stopEngine(parts: EngineParts, wasStarted: boolean): Promise<void> {
  parts.descriptions?.describer.stop();
  parts.loop.stop();
  if (wasStarted) parts.receiving.check();
  parts.drops.flush();
  parts.outbox.flush(); // what happened is still said; nothing new happens
  parts.scheduler.clear();
  parts.registry.clear();
  parts.repeats.clear();
  parts.searches.stop();
  for (const unsubscribe of parts.unsubscribes) unsubscribe();
  await parts.transport.stop();
}
