// Issue 13 at the ssdp-device command line: --recv-buffer reaches the transport, and the kernel's drops are in the
// stopped summary (human) and the stopped event's stats (--json).
import { DROP_REASONS, type DeviceStats, type DropReason } from '@ssdp/device';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '@ssdp/cli-kit';
import { parseCliArguments } from '../src/cli-arguments.ts';
import { createOutput } from '../src/output.ts';
import { runCli } from '../src/run-cli.ts';
import { createMemoryRuntime } from './support/memory-runtime.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('--recv-buffer', () => {
  it('takes bytes, K or M, and refuses anything else', () => {
    expect(parseCliArguments(['--recv-buffer', '8M']).recvBuffer).toBe(8 * 1024 * 1024);
    expect(parseCliArguments(['--recv-buffer', '256k']).recvBuffer).toBe(256 * 1024);
    expect(parseCliArguments(['--recv-buffer', '212992']).recvBuffer).toBe(212_992);
    expect(parseCliArguments([]).recvBuffer).toBeUndefined();
    for (const bad of ['0', '1G', '513M', '1.5M', 'big'])
      expect(() => parseCliArguments(['--recv-buffer', bad])).toThrow(UsageError);
  });

  it('asks the transport for it, and the stopped event carries kernelDrops', async () => {
    vi.useFakeTimers();
    const memory = createMemoryRuntime();
    const out: string[] = [];
    const exit = runCli(
      ['--json', '--duration', '1', '--recv-buffer', '1M'],
      { stdout: (l) => out.push(l), stderr: () => undefined },
      memory.runtime,
    );
    await vi.advanceTimersByTimeAsync(3000);
    expect(await exit).toBe(0);
    expect(memory.transportOptions[0]).toMatchObject({ receiveBufferSize: 1024 * 1024 });
    const events = out.map(
      (line) => JSON.parse(line) as { event: string; stats?: DeviceStats; receiveBuffer?: unknown },
    );
    expect(events[0]).toMatchObject({
      event: 'started',
      receiveBuffer: { requested: 1024 * 1024, granted: 1024 * 1024, clamped: false },
    });
    expect(events.at(-1)).toMatchObject({ event: 'stopped', stats: { kernelDrops: 0 } });
  });
});

describe('the stopped summary', () => {
  it('ends with the kernel drops when they were counted', () => {
    const dropped = Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number>;
    const stats: DeviceStats = {
      searches: 5,
      responses: 5,
      alive: 0,
      byebye: 0,
      updates: 0,
      dropped,
      kernelDrops: 1234,
    };
    const out: string[] = [];
    createOutput({ json: false, verbose: false, stdout: (l) => out.push(l), stderr: () => undefined })({
      event: 'stopped',
      time: new Date(0).toISOString(),
      reason: 'SIGTERM',
      uptimeMs: 1000,
      stats,
    });
    expect(out).toEqual([
      'stopped (SIGTERM) after 1.00 s: 5 searches, 5 responses, 0 alive, 0 byebye, 0 updates, 0 other messages ignored; dropped: none; kernel-drops 1234',
    ]);
  });
});
