// Where scripts/unpack-broker.sh puts Debian's mosquitto (`dpkg -x`, never installed), and whether it is there.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { arch } from 'node:os';
import { fileURLToPath } from 'node:url';

export const brokerRoot = fileURLToPath(new URL('../.broker/root/', import.meta.url));
export const mosquittoBin = `${brokerRoot}usr/sbin/mosquitto`;
export const mosquittoPasswdBin = `${brokerRoot}usr/bin/mosquitto_passwd`;

const multiarch = arch() === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
/** The environment the unpacked binaries run with: their unpacked libraries first. */
export const brokerEnv = { LD_LIBRARY_PATH: `${brokerRoot}usr/lib/${multiarch}` };

export type BrokerAvailability =
  { readonly ok: true; readonly version: string } | { readonly ok: false; readonly reason: string };

export function brokerAvailable(): BrokerAvailability {
  if (!existsSync(mosquittoBin)) {
    return {
      ok: false,
      reason: `mosquitto is not unpacked (${mosquittoBin}); run, as root: bash tools/mqtt-lab/scripts/unpack-broker.sh`,
    };
  }
  try {
    const help = execFileSync(mosquittoBin, ['-h'], {
      env: { ...process.env, ...brokerEnv },
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { ok: true, version: /mosquitto version (\S+)/.exec(help)?.[1] ?? 'unknown' };
  } catch (error) {
    // mosquitto -h exits 3 after printing its help.
    const out = String((error as { stdout?: string }).stdout ?? '');
    const version = /mosquitto version (\S+)/.exec(out)?.[1];
    if (version !== undefined) return { ok: true, version };
    return {
      ok: false,
      reason: `the unpacked mosquitto does not run: ${String((error as Error).message).split('\n')[0]}`,
    };
  }
}
