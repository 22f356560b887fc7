// UDA §1.2.4 on a network change: the description server follows the interfaces, and a new or changed address
// makes the device send ssdp:update, bump BOOTID and announce again.
import type { InterfacesChange } from '@ssdp/transport';
import type { Announcer } from './announcer.ts';
import type { DescriptionEndpoints } from './description-endpoints.ts';
import { nextBootId, type EngineParts, type EngineRun } from './engine-run.ts';

/**
 * UDA §1.2.4: on a new or changed interface address, send ssdp:update with NEXTBOOTID on the interfaces that
 * knew the old BOOTID (root entries first, all before any alive with the new value), then bump and persist
 * BOOTID and announce again everywhere. A removed interface is only reported.
 */
export async function handleInterfaces(
  run: EngineRun,
  parts: EngineParts,
  change: InterfacesChange,
  active: Announcer,
  served: DescriptionEndpoints,
): Promise<void> {
  const { transport, stateStore } = parts.components;
  const { emit, warn } = parts;
  if (run.state !== 'running') return;
  emit({
    event: 'interfaces-changed',
    added: change.added.map((iface) => iface.id),
    removed: change.removed.map((iface) => iface.id),
    changed: change.changed.map(({ previous, current }) => ({
      id: current.id,
      from: previous.address,
      to: current.address,
    })),
  });
  const gone = [...change.removed, ...change.changed.map((c) => c.previous)];
  for (const iface of gone) await served.forget(iface, transport.interfaces);
  const fresh = [...change.added, ...change.changed.map((c) => c.current)];
  for (const iface of fresh) {
    try {
      await served.serve(iface);
    } catch (error) {
      warn(`${iface.id}: ${error instanceof Error ? error.message : String(error)}; not announcing there`);
    }
  }
  if (fresh.length === 0 || run.state !== 'running') return;
  const added = new Set(change.added.map((iface) => iface.id));
  const next = nextBootId(run.bootId);
  if (next > run.bootId) {
    active.cancel();
    await active.sendUpdates(
      transport.interfaces.filter((iface) => !added.has(iface.id)),
      next,
    );
  }
  if (run.state !== 'running') return;
  run.bootId = next;
  try {
    await stateStore.save({ baseUuid: run.storedBaseUuid, bootId: run.bootId });
  } catch (error) {
    warn(error instanceof Error ? error.message : String(error));
  }
  if (run.state === 'running') active.start();
}
