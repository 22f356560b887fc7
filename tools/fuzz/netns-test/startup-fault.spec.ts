// Startup errors of the real bins, in a namespace (so port 1900 and the interfaces are the lab's own): port in
// use, unknown interface, unreadable config, unwritable state dir. Each must print exactly one line on stderr,
// `ssdp-device: ...` / `ssdp-controller: ...`, no stack trace, nothing on stdout, and exit 2. Permission cases run
// the bin as `nobody` (root reads and writes anything); a read-only mount covers "unwritable" for root too.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNetnsLab, netnsAvailable, type NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROLLER_BIN, DEVICE_BIN, spawnNode, type AppProcess } from '../src/lab/app-process.ts';
import { LAB_PREFIX } from '../src/lab/lab-prefix.ts';

const availability = netnsAvailable();
const AS_NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath];

interface Outcome {
  readonly code: number;
  readonly stderr: string[];
  readonly stdout: number;
}

describe.skipIf(!availability.ok)(
  `startup errors in a namespace lab${availability.ok ? '' : ` (skipped: ${availability.reason})`}`,
  () => {
    let lab: NetnsLab;
    let dir: string;
    const children: AppProcess[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'ssdp-startup-'));
      chmodSync(dir, 0o755);
      lab = await createNetnsLab({ prefix: LAB_PREFIX, hosts: ['busy', 'free'] });
    });
    afterAll(async () => {
      for (const child of children) if (child.exitCode === undefined) child.child.kill('SIGKILL');
      await lab?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    async function run(
      host: string,
      bin: string,
      args: readonly string[],
      command?: readonly string[],
    ): Promise<Outcome> {
      const app = spawnNode(lab, host, path.basename(bin), [bin, ...args], undefined, command);
      children.push(app);
      const timer = setTimeout(() => app.child.kill('SIGKILL'), 60_000);
      const code = await app.exited;
      clearTimeout(timer);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the last stderr chunk
      return {
        code,
        stderr: app
          .stderr()
          .trim()
          .split('\n')
          .filter((l) => l !== ''),
        stdout: app.events.length,
      };
    }

    function expectOneLine(outcome: Outcome, program: string, pattern: RegExp): void {
      console.log(`exit ${outcome.code}: ${outcome.stderr.join(' | ')}`);
      expect(outcome.stderr, JSON.stringify(outcome)).toHaveLength(1);
      expect(outcome.stderr[0]).toMatch(new RegExp(`^${program}: `));
      expect(outcome.stderr[0]).toMatch(pattern);
      expect(outcome.stderr.join('\n')).not.toMatch(/\n\s+at |Error: |node:internal/);
      expect(outcome.stdout).toBe(0);
      expect(outcome.code).toBe(2);
    }

    it('port in use: the SSDP port held by a foreign socket (no SO_REUSEADDR)', async () => {
      const holder = spawnNode(lab, 'busy', 'holder', [
        '-e',
        "const s = require('node:dgram').createSocket({ type: 'udp4', reuseAddr: false }); s.bind(1900, '0.0.0.0', () => console.log(JSON.stringify({ event: 'bound' })));",
      ]);
      children.push(holder);
      await holder.waitFor((e) => e.event === 'bound');
      const state = mkdtempSync(path.join(dir, 'state-'));
      const [device, controller] = await Promise.all([
        run('busy', DEVICE_BIN, ['--interface', 'eth0', '--json', '--state-dir', state]),
        run('busy', CONTROLLER_BIN, ['--interface', 'eth0', '--json']),
      ]);
      expectOneLine(device, 'ssdp-device', /in use/i);
      expectOneLine(controller, 'ssdp-controller', /in use/i);
      holder.child.kill('SIGKILL');
    });

    it('unknown interface', async () => {
      const state = mkdtempSync(path.join(dir, 'state-'));
      const [device, controller] = await Promise.all([
        run('free', DEVICE_BIN, ['--interface', 'eth9', '--json', '--state-dir', state]),
        run('free', CONTROLLER_BIN, ['--interface', 'eth9', '--json']),
      ]);
      expectOneLine(device, 'ssdp-device', /eth9/);
      expectOneLine(controller, 'ssdp-controller', /eth9/);
    });

    it('unreadable config: missing, a directory, and no permission', async () => {
      const state = mkdtempSync(path.join(dir, 'state-'));
      chmodSync(state, 0o777);
      const secret = path.join(dir, 'secret.json');
      writeFileSync(secret, '{"device": {}}');
      chmodSync(secret, 0o000);
      const [missing, directory, forbidden] = await Promise.all([
        run('free', DEVICE_BIN, [
          '--interface',
          'eth0',
          '--config',
          path.join(dir, 'missing.json'),
          '--state-dir',
          state,
        ]),
        run('free', DEVICE_BIN, ['--interface', 'eth0', '--config', dir, '--state-dir', state]),
        run('free', DEVICE_BIN, ['--interface', 'eth0', '--config', secret, '--state-dir', state], AS_NOBODY),
      ]);
      expectOneLine(missing, 'ssdp-device', /ENOENT/);
      expectOneLine(directory, 'ssdp-device', /EISDIR/);
      expectOneLine(forbidden, 'ssdp-device', /EACCES/);
    });

    it('unwritable state dir: no permission, under a file, on a read-only mount', async () => {
      const rootOwned = path.join(dir, 'root-owned');
      mkdirSync(rootOwned, { mode: 0o755 });
      const file = path.join(dir, 'a-file');
      writeFileSync(file, 'x');
      // `ip netns exec` gives the command its own mount namespace: this read-only tmpfs is seen by nobody else.
      const readOnly = path.join(dir, 'read-only');
      mkdirSync(readOnly);
      const script = `mount -t tmpfs -o ro tmpfs '${readOnly}' && exec '${process.execPath}' "$@"`;
      const [forbidden, underFile, mountedReadOnly] = await Promise.all([
        run('free', DEVICE_BIN, ['--interface', 'eth0', '--state-dir', path.join(rootOwned, 'state')], AS_NOBODY),
        run('free', DEVICE_BIN, ['--interface', 'eth0', '--state-dir', path.join(file, 'state')]),
        run('free', DEVICE_BIN, ['--interface', 'eth0', '--state-dir', readOnly], ['sh', '-c', script, 'sh']),
      ]);
      expectOneLine(forbidden, 'ssdp-device', /EACCES/);
      expectOneLine(underFile, 'ssdp-device', /ENOTDIR/);
      expectOneLine(mountedReadOnly, 'ssdp-device', /EROFS/);
    });
  },
);
