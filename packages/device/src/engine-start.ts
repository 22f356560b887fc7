// Starting the engine: load the identity and bump BOOTID, build the fleet, start the transport and the
// description server (rolled back on failure), persist BOOTID, then wire the responder and the announcer.
import { randomUUID } from 'node:crypto';
import { createAnnouncer, type Announcer } from './announcer.ts';
import type { DeviceContext } from './device-context.ts';
import { createDescriptionEndpoints, type DescriptionEndpoints } from './description-endpoints.ts';
import { nextBootId, type EngineParts, type EngineRun } from './engine-run.ts';
import { buildFleet, type Fleet } from './fleet.ts';
import { handleInterfaces } from './interface-changes.ts';
import { resolveLimits, type DeviceLimits } from './limits.ts';
import { createResponder, type Responder } from './responder.ts';
import { startedEvent } from './started-event.ts';

export async function startEngine(run: EngineRun, parts: EngineParts): Promise<void> {
  const { init, components, config } = parts;
  const { transport, stateStore, descriptionServer } = components;
  const persisted = await stateStore.load();
  const baseUuid = init.uuid ?? config.uuid ?? persisted?.baseUuid ?? (components.newUuid ?? randomUUID)();
  run.storedBaseUuid = persisted?.baseUuid ?? baseUuid;
  run.bootId = persisted === undefined ? 1 : nextBootId(persisted.bootId);
  const built = buildFleet({ config, count: parts.count, baseUuid, defaults: parts.defaults });
  run.fleet = built;
  const limits = resolveLimits(built.advertisementCount, init.limits);
  run.limits = limits;
  const byPath = new Map<string, string>(built.documents);
  for (const member of built.members) byPath.set(member.path, member.xml);
  const served = createDescriptionEndpoints(descriptionServer, (path) => byPath.get(path));

  descriptionServer.onDrop?.((reason, address) => parts.drops.drop(reason, 1, { detail: `source ${address}` }));
  await transport.start();
  try {
    for (const iface of transport.interfaces) await served.serve(iface);
    await stateStore.save({ baseUuid: run.storedBaseUuid, bootId: run.bootId });
  } catch (error) {
    await descriptionServer.close().catch(() => undefined);
    await transport.stop().catch(() => undefined);
    throw error;
  }

  const context = buildContext(run, parts, { fleet: built, limits, served });
  const responder = createResponder(context);
  const announcer = createAnnouncer(context);
  run.responder = responder;
  run.announcer = announcer;
  subscribe(run, parts, responder, announcer, served);
  run.state = 'running';
  run.startedAt = components.clock.now();
  const { profile, port, count } = parts;
  parts.emit(startedEvent({ profile, port, bootId: run.bootId, count, fleet: built, transport, endpoints: served }));
  const buffer = transport.receiveBuffer?.();
  // A search storm must not be lost silently: say once that the kernel capped the buffer (with the sysctl).
  if (buffer?.clamped === true)
    parts.warn(
      `receive buffer: ${buffer.hint ?? `asked for ${buffer.requested} bytes, granted ${String(buffer.granted)}`}`,
    );
  announcer.start();
}

function buildContext(
  run: EngineRun,
  parts: EngineParts,
  built: { fleet: Fleet; limits: DeviceLimits; served: DescriptionEndpoints },
): DeviceContext {
  const { transport, clock, random } = parts.components;
  const { fleet, limits, served } = built;
  return {
    profile: parts.profile,
    port: parts.port,
    maxAge: parts.maxAge,
    server: parts.init.server,
    broadcastAddress: parts.init.broadcastAddress,
    clock,
    random,
    scheduler: parts.scheduler,
    transport,
    queue: parts.queue,
    fleet,
    limits,
    stats: parts.stats,
    bootId: () => run.bootId,
    interface: (id) => transport.interfaces.find((iface) => iface.id === id),
    location: served.location,
    interest: parts.interest,
    wants: parts.wants,
    emit: parts.emit,
    drop: (reason, n, details) => parts.drops.drop(reason, n, details),
  };
}

/** Datagrams go to the responder while running; interface changes are handled one after the other. */
function subscribe(
  run: EngineRun,
  parts: EngineParts,
  responder: Responder,
  announcer: Announcer,
  served: DescriptionEndpoints,
): void {
  const { transport } = parts.components;
  const { warn } = parts;
  run.unsubscribes.push(
    transport.onError((error) => warn(error.toOneLine())),
    transport.onDatagram((datagram) => {
      if (run.state !== 'running') return;
      try {
        responder.handle(datagram);
      } catch (error) {
        warn(`internal error while handling a datagram from ${datagram.remote.address}: ${String(error)}`);
      }
    }),
    transport.onInterfacesChanged((change) => {
      run.changes = run.changes
        .then(() => handleInterfaces(run, parts, change, announcer, served))
        .catch((error: unknown) => warn(`interface change: ${error instanceof Error ? error.message : String(error)}`));
    }),
  );
}
