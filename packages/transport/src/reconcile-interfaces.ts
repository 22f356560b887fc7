// The UDP transport's interface poll: brings the bound interfaces in line with the ones wanted now (an address
// came, went or changed), rebinding what changed, and says what happened.
import type { InterfaceAddress } from './select-interfaces.ts';
import type { InterfacesChange, TransportInterface } from './transport.ts';

export interface ReconcileOperations<B extends { readonly iface: TransportInterface }> {
  bind(address: InterfaceAddress): Promise<B>;
  unbind(entry: B): void;
  /** False once the transport is stopping: a fresh binding is undone and reconciling ends. */
  running(): boolean;
  report(error: unknown): void;
}

/** Updates `bound` in place; the change (possibly empty), or undefined when the transport stopped meanwhile. */
export async function reconcileInterfaces<B extends { readonly iface: TransportInterface }>(
  bound: Map<string, B>,
  wanted: readonly InterfaceAddress[],
  operations: ReconcileOperations<B>,
): Promise<InterfacesChange | undefined> {
  const added: TransportInterface[] = [];
  const removed: TransportInterface[] = [];
  const changed: { previous: TransportInterface; current: TransportInterface }[] = [];
  for (const [id, entry] of [...bound]) {
    const next = wanted.find((w) => w.id === id);
    if (next !== undefined && sameAddress(next, entry.iface)) continue;
    operations.unbind(entry);
    bound.delete(id);
    if (next === undefined) {
      removed.push(entry.iface);
      continue;
    }
    try {
      const rebound = await operations.bind(next);
      if (!operations.running()) {
        operations.unbind(rebound);
        return undefined;
      }
      bound.set(id, rebound);
      changed.push({ previous: entry.iface, current: rebound.iface });
    } catch (error) {
      operations.report(error);
      removed.push(entry.iface);
    }
  }
  for (const next of wanted) {
    if (bound.has(next.id) || changed.some((c) => c.current.id === next.id)) continue;
    try {
      const fresh = await operations.bind(next);
      if (!operations.running()) {
        operations.unbind(fresh);
        return undefined;
      }
      bound.set(next.id, fresh);
      added.push(fresh.iface);
    } catch (error) {
      operations.report(error);
    }
  }
  return { added, removed, changed };
}

function sameAddress(a: InterfaceAddress, b: InterfaceAddress): boolean {
  return a.address === b.address && a.prefixLength === b.prefixLength && a.scopeId === b.scopeId;
}
