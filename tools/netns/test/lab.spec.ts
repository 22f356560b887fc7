import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netnsAvailable } from '../src/available.ts';
import { parseNamespaceName } from '../src/namespace-names.ts';
import {
  createNetnsLab,
  listLabNamespaces,
  NetemUnavailableError,
  sweepStaleNamespaces,
  type NetnsLab,
} from '../src/netns-lab.ts';
import { run } from '../src/run-ip.ts';

const availability = netnsAvailable();

describe('namespace names', () => {
  it('recognises only names of the exact <prefix>-<pid>-<random>-<role> form', () => {
    expect(parseNamespaceName('ssdpt', 'ssdpt-123-abc123-a')).toEqual({ pid: 123, labId: 'ssdpt-123-abc123' });
    expect(parseNamespaceName('ssdpt', 'ssdpt-123-abc123-sw')).toEqual({ pid: 123, labId: 'ssdpt-123-abc123' });
    for (const name of [
      'ssdpt-abc-abc123-a',
      'ssdpt-123-abc12-a',
      'other-123-abc123-a',
      'ssdpt-123-abc123',
      'xssdpt-1-abc123-a',
      'ssdpt-1-ABC123-a',
    ]) {
      expect(parseNamespaceName('ssdpt', name)).toBeUndefined();
    }
  });

  it('reports availability as ok or with a reason', () => {
    expect(availability.ok || availability.reason.length > 0).toBe(true);
  });
});

const fixture = fileURLToPath(new URL('./fixtures/hold-lab.ts', import.meta.url));

/** Runs the fixture in a child process, returns the lab id it printed and the child. */
async function childWithLab(mode: 'wait' | 'throw' | 'exit') {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, mode], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fixture exited early (${String(code)})`)));
  });
  const { id, sleeper } = JSON.parse(line) as { id: string; sleeper: number };
  return { child, exited, id, sleeper };
}

const ours = async (id: string) => (await listLabNamespaces()).filter((n) => n.startsWith(`${id}-`));
/** Whether a pid is still a live process (a zombie waiting to be reaped counts as dead). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe.skipIf(!availability.ok)(`netns lab${availability.ok ? '' : ` (skipped: ${availability.reason})`}`, () => {
  let lab: NetnsLab;

  beforeAll(async () => {
    lab = await createNetnsLab({
      links: [
        { name: 'lan', ipv6Prefix: 'fd77:0:0:1::' },
        { name: 'legacy', subnet: '192.168.0.0/24' },
      ],
      hosts: ['a', 'b', { name: 'mh', links: ['lan', 'legacy'] }],
    });
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it('gives every host its addresses, lo up and routes for 239/8 and default, and nothing of it in the host namespace', async () => {
    expect(lab.host('a').interfaces[0]).toMatchObject({
      name: 'eth0',
      address: '10.77.0.2',
      prefixLength: 24,
      broadcast: '10.77.0.255',
      ipv6: 'fd77:0:0:1::2',
    });
    expect(lab.host('mh').interfaces.map((i) => [i.name, i.address])).toEqual([
      ['eth0', '10.77.0.4'],
      ['eth1', '192.168.0.2'],
    ]);
    const addresses = (await lab.exec('a', 'ip', ['-br', 'addr'])).stdout;
    expect(addresses).toMatch(/^lo\s+UNKNOWN\s+127\.0\.0\.1\/8/m);
    expect(addresses).toContain('10.77.0.2/24');
    expect(addresses).toContain(`${lab.host('a').interfaces[0]!.linkLocal}/64`);
    const routes = (await lab.exec('a', 'ip', ['route'])).stdout;
    expect(routes).toContain('239.0.0.0/8 dev eth0');
    expect(routes).toContain('default dev eth0');
    const hostLinks = (await run('ip', ['-br', 'link'])).stdout;
    expect(hostLinks).not.toMatch(/\bh\d+l\d+\b/);
    expect(hostLinks).not.toContain('10.77.');
  });

  it('refuses to run anything in a namespace it did not create', async () => {
    expect(() => lab.spawn('not-a-host', 'true')).toThrow(/has no host "not-a-host"/);
    await expect(lab.exec('sw', 'true')).rejects.toThrow(/has no host "sw"/);
    await expect(lab.exec('../a', 'true')).rejects.toThrow(/has no host/);
  });

  it('adds netem to a host interface, or says clearly that this kernel has none', async (context) => {
    try {
      await lab.netem('b', 'eth0', ['delay', '1ms', 'loss', '1%']);
    } catch (error) {
      expect(error).toBeInstanceOf(NetemUnavailableError);
      context.skip((error as Error).message);
      return;
    }
    expect((await lab.exec('b', 'tc', ['qdisc', 'show', 'dev', 'eth0'])).stdout).toMatch(/netem .*delay 1ms.*loss 1%/);
  });

  it('deletes everything on destroy, kills what runs inside, and is idempotent', async () => {
    const other = await createNetnsLab({ hosts: ['x', 'y'] });
    const sleeper = other.spawn('x', 'sleep', ['600'], { stdio: 'ignore' });
    expect(await ours(other.id)).toHaveLength(3);
    await other.destroy();
    await other.destroy();
    expect(await ours(other.id)).toEqual([]);
    expect(sleeper.pid !== undefined && alive(sleeper.pid)).toBe(false);
    await expect(other.exec('x', 'true')).rejects.toThrow(/destroyed/);
  });

  it.each(['wait', 'throw', 'exit'] as const)(
    'leaves nothing behind when the process %s (SIGTERM / uncaught error / process.exit)',
    async (mode) => {
      const { child, exited, id, sleeper } = await childWithLab(mode);
      expect(await ours(id)).toHaveLength(3);
      if (mode === 'wait') child.kill('SIGTERM');
      await exited;
      expect(await ours(id)).toEqual([]);
      expect(alive(sleeper)).toBe(false);
    },
  );

  it('sweeps the leftovers of a SIGKILLed run (and only dead runs)', async () => {
    const { child, exited, id } = await childWithLab('wait');
    child.kill('SIGKILL');
    await exited;
    expect(await ours(id)).toHaveLength(3);
    const swept = await sweepStaleNamespaces();
    expect(swept.filter((n) => n.startsWith(`${id}-`)).sort()).toEqual([`${id}-a`, `${id}-b`, `${id}-sw`]);
    expect(await ours(id)).toEqual([]);
    expect(await ours(lab.id)).toHaveLength(4);
  });
});
