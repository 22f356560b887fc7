// Whether this machine can run namespace suites: Linux, root, iproute2. Suites skip with `reason` otherwise.
import { execFileSync } from 'node:child_process';

export type NetnsAvailability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function netnsAvailable(): NetnsAvailability {
  if (process.platform !== 'linux')
    return { ok: false, reason: `network namespaces need Linux (this is ${process.platform})` };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return { ok: false, reason: 'network namespaces need root (run the netns suites as root, as CI does)' };
  }
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore', timeout: 5000 });
  } catch (error) {
    return {
      ok: false,
      reason: `"ip netns" does not work here (iproute2 missing?): ${String((error as Error).message).split('\n')[0]}`,
    };
  }
  return { ok: true };
}
