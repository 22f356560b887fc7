// The run's housekeeping: marked children can be found (and so proved gone), a missing peer says how to
// install it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHILD_ENV, findMarkedProcesses, RUN_ENV } from '../src/child-marker.ts';
import { findPeer, PeerMissingError, requirePeer } from '../src/peers.ts';

describe('marked children', () => {
  const saved = process.env[RUN_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[RUN_ENV];
    else process.env[RUN_ENV] = saved;
  });

  it('finds a live child by its run id, and no longer once it has exited', async () => {
    const runId = `unit-${process.pid}-${Date.now()}`;
    const child = spawn('sleep', ['30'], { env: { ...process.env, [CHILD_ENV]: runId }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(findMarkedProcesses(runId).map((p) => p.pid)).toEqual([child.pid]);
      expect(findMarkedProcesses(`${runId}-other`)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(findMarkedProcesses(runId)).toEqual([]);
  });
});

describe('peers', () => {
  it('a daemon that is not unpacked is an error naming the install script, never a skip', () => {
    const empty = mkdtempSync(join(tmpdir(), 'ssdp-e2e-nopeers-'));
    const saved = process.env['SSDP_E2E_PEERS_ROOT'];
    process.env['SSDP_E2E_PEERS_ROOT'] = empty;
    try {
      const peer = findPeer('minissdpd');
      expect(peer).toBeInstanceOf(PeerMissingError);
      expect((peer as PeerMissingError).message).toMatch(/install-peers\.sh/);
      expect(() => requirePeer('minidlnad')).toThrow(/minidlna.*not unpacked/);
    } finally {
      if (saved === undefined) delete process.env['SSDP_E2E_PEERS_ROOT'];
      else process.env['SSDP_E2E_PEERS_ROOT'] = saved;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
