// Stopping a running engine: no new work, ssdp:byebye for everything alive, wait for every send, then close.
import type { SsdpTransport } from '@ssdp/transport';
import type { DeviceStats } from './events.ts';
import type { EngineParts, EngineRun } from './engine-run.ts';

export async function stopEngine(
  run: EngineRun,
  parts: EngineParts,
  starting: Promise<void> | undefined,
  reason: string,
): Promise<void> {
  const { transport, descriptionServer, clock } = parts.components;
  const { stats, warn } = parts;
  if (starting !== undefined) await starting.catch(() => undefined);
  if (run.state !== 'running') {
    run.state = 'stopped';
    return;
  }
  run.state = 'stopping';
  for (const unsubscribe of run.unsubscribes.splice(0)) unsubscribe();
  run.responder?.cancelAll();
  run.announcer?.cancel();
  await run.changes;
  await run.announcer?.byebyeAll();
  await parts.queue.drain();
  await run.responder?.settled();
  parts.drops.flush();
  await descriptionServer.close().catch((error: unknown) => warn(`description server: ${String(error)}`));
  await transport.stop().catch((error: unknown) => warn(`transport: ${String(error)}`));
  parts.scheduler.clear();
  readKernelDrops(transport, stats); // kept by the transport after stop
  if ((stats.kernelDrops ?? 0) > 0) {
    warn(
      `the kernel dropped ${stats.kernelDrops} datagrams for us (receive buffer full, searches unanswered): ` +
        `ask for more with recvBufferSize (--recv-buffer) or raise net.core.rmem_max`,
    );
  }
  run.state = 'stopped';
  parts.emit({ event: 'stopped', reason, uptimeMs: clock.now() - run.startedAt, stats: structuredClone(stats) });
}

/** stats.kernelDrops from the transport (/proc on Linux); left out where it cannot be counted. */
export function readKernelDrops(transport: SsdpTransport, stats: DeviceStats): void {
  let drops: number | undefined;
  try {
    drops = transport.kernelDrops?.();
  } catch {
    drops = undefined;
  }
  if (drops !== undefined) stats.kernelDrops = drops;
}
