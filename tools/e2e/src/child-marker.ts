// Every process the suites start carries SSDP_E2E_CHILD=<run id> in its environment (children inherit it), so
// the run can prove afterwards that none of its processes is left, without touching anybody else's.
import { readdirSync, readFileSync } from 'node:fs';

export const RUN_ENV = 'SSDP_E2E_RUN';
export const CHILD_ENV = 'SSDP_E2E_CHILD';

export function currentRunId(): string {
  return process.env[RUN_ENV] ?? `adhoc-${process.pid}`;
}

/** The environment for a child of this run. */
export function markedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, [CHILD_ENV]: currentRunId() };
}

export interface MarkedProcess {
  readonly pid: number;
  readonly command: string;
}

/**
 * Live processes (zombies excluded) whose environment holds CHILD_ENV=runId (any run id when undefined).
 * Linux /proc; reading other users' environments needs root, as the suites do.
 */
export function findMarkedProcesses(runId: string | undefined): MarkedProcess[] {
  const matches = (entry: string) =>
    runId === undefined ? entry.startsWith(`${CHILD_ENV}=`) : entry === `${CHILD_ENV}=${runId}`;
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue;
      const environment = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (!environment.some(matches)) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').join(' ').trim();
      found.push({ pid: Number(entry), command });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
