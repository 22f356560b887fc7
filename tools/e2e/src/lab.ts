// The suites' labs: @ssdp/netns labs under their own prefix, so the run can check afterwards that every one of
// them is gone (and never confuse them with labs of other suites running at the same time).
import {
  createNetnsLab,
  listLabNamespaces,
  netnsAvailable,
  sweepStaleNamespaces,
  type NetnsLab,
  type NetnsLabInit,
} from '@ssdp/netns';
import { findMarkedProcesses, type MarkedProcess } from './child-marker.ts';

export const E2E_LAB_PREFIX = 'ssdpe2e';

export function createE2eLab(init: Omit<NetnsLabInit, 'prefix'>): Promise<NetnsLab> {
  return createNetnsLab({ ...init, prefix: E2E_LAB_PREFIX });
}

export const availability = netnsAvailable();

/** The title suffix of a suite that cannot run here. */
export const skipReason = availability.ok ? '' : ` (SKIPPED: ${availability.reason})`;

export interface Leftovers {
  /** Namespaces of ours whose creating process is dead: leaked, now deleted. */
  readonly sweptNamespaces: readonly string[];
  /** Namespaces of ours that still exist (owned by a live process: another run, or this one still going). */
  readonly liveNamespaces: readonly string[];
  /** Processes started by the run (marked), now killed. */
  readonly killedProcesses: readonly MarkedProcess[];
}

/** Finds and removes whatever a run left behind. `runId` undefined: processes of any run. */
export async function cleanLeftovers(runId: string | undefined): Promise<Leftovers> {
  const killedProcesses = findMarkedProcesses(runId);
  for (const { pid } of killedProcesses) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  const sweptNamespaces = await sweepStaleNamespaces(E2E_LAB_PREFIX);
  const liveNamespaces = await listLabNamespaces(E2E_LAB_PREFIX);
  return { sweptNamespaces, liveNamespaces, killedProcesses };
}
