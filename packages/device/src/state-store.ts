// Where the identity survives restarts: the base UUID (UDNs derive from it) and the last BOOTID. The file store
// writes atomically (temp file, fsync, rename, fsync of the directory) so a crash never leaves half a file.
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { describeIssue } from './device-config.ts';
import { isUuid } from './uuid.ts';

export interface PersistedState {
  /** Base UUID of the fleet (member 0's root UDN unless --uuid or the config names one). */
  readonly baseUuid: string;
  /** The BOOTID.UPNP.ORG of the latest start (or interface change). */
  readonly bootId: number;
}

export interface StateStore {
  /** Where the state lives, for messages. */
  readonly location: string;
  /** The saved state, or undefined on a first start. Rejects with StateStoreError when it cannot be read. */
  load(): Promise<PersistedState | undefined>;
  /** Saves durably. Rejects with StateStoreError. */
  save(state: PersistedState): Promise<void>;
}

/** The state directory or file cannot be read or written; `message` says which and why. */
export class StateStoreError extends Error {
  override readonly name = 'StateStoreError';
  readonly code = 'SSDP_ERR_STATE_STORE';
}

const stateSchema = z.strictObject({
  version: z.literal(1),
  baseUuid: z.string().refine(isUuid, { error: 'expected a UUID' }),
  bootId: z.int().min(0).max(2_147_483_647),
});

export const STATE_FILE_NAME = 'state.json';

/** `--state-dir` default: $XDG_STATE_HOME/ssdp-device, else ~/.local/state/ssdp-device. */
export function defaultStateDir(env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  const xdg = env['XDG_STATE_HOME'];
  if (xdg !== undefined && path.isAbsolute(xdg)) return path.join(xdg, 'ssdp-device');
  return path.join(homedir, '.local', 'state', 'ssdp-device');
}

function reason(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

export function createFileStateStore(directory: string): StateStore {
  const file = path.join(directory, STATE_FILE_NAME);
  return {
    location: file,
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        const code = (error as { code?: unknown })?.code;
        if (code === 'ENOENT') return undefined;
        if (code === 'ENOTDIR') throw new StateStoreError(`state dir ${directory} is not a directory (ENOTDIR)`);
        if (code === 'EACCES' || code === 'EPERM')
          throw new StateStoreError(`cannot use state dir ${directory}: ${reason(error)} (permission denied)`);
        throw new StateStoreError(`cannot read state file ${file}: ${reason(error)}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new StateStoreError(`state file ${file} is not valid JSON; delete it to start with a new identity`);
      }
      const parsed = stateSchema.safeParse(json);
      if (!parsed.success) {
        throw new StateStoreError(
          `state file ${file} is invalid (${describeIssue(parsed.error).trim()}); delete it to start with a new identity`,
        );
      }
      return { baseUuid: parsed.data.baseUuid.toLowerCase(), bootId: parsed.data.bootId };
    },
    async save(state) {
      const temp = path.join(directory, `.${STATE_FILE_NAME}.${process.pid}.tmp`);
      const body = `${JSON.stringify({ version: 1, baseUuid: state.baseUuid, bootId: state.bootId }, null, 2)}\n`;
      try {
        await mkdir(directory, { recursive: true, mode: 0o700 });
        const handle = await open(temp, 'w', 0o600);
        try {
          await handle.writeFile(body, 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, file);
        await syncDirectory(directory);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw new StateStoreError(`cannot write state dir ${directory}: ${reason(error)}`);
      }
    },
  };
}

/** Makes the rename durable; some filesystems refuse to fsync a directory, which is harmless. */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Not supported here (e.g. some network filesystems): the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}
