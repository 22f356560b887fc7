// The life of one benchmark's lab: its namespaces (tools/netns, prefix `ssdpb`) and a scratch directory, created
// together and always removed together, with the lab niceness put back and a warning if a namespace outlived it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetnsLab, listLabNamespaces, type NetnsLab } from '@ssdp/netns';
import { resetLabPriority } from './lab-priority.ts';

const PREFIX = 'ssdpb';

export interface BenchLabInit {
  /** The benchmark's name, for the scratch directory and the messages. */
  readonly benchmark: string;
  readonly hosts: readonly string[];
  /** The lab processes' niceness (--priority), reset for our session at the end. */
  readonly priority: number;
  /** Where the scratch directory goes; default the system's temporary directory. */
  readonly scratchParent?: string;
}

/** Runs `body` with a fresh lab and scratch directory, and removes both however it ends. */
export async function withBenchLab<T>(
  init: BenchLabInit,
  body: (netns: NetnsLab, scratch: string) => Promise<T>,
): Promise<T> {
  const scratch = mkdtempSync(join(init.scratchParent ?? tmpdir(), `ssdp-bench-${init.benchmark}-`));
  let netns: NetnsLab | undefined;
  try {
    netns = await createNetnsLab({ prefix: PREFIX, hosts: init.hosts });
    return await body(netns, scratch);
  } finally {
    await netns?.destroy();
    resetLabPriority(init.priority);
    rmSync(scratch, { recursive: true, force: true });
    if (netns !== undefined) {
      const id = netns.id;
      const left = (await listLabNamespaces(PREFIX)).filter((name) => name.startsWith(id));
      if (left.length > 0) process.stderr.write(`${init.benchmark}: namespaces left behind: ${left.join(', ')}\n`);
    }
  }
}
