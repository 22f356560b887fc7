// Our two programs as real processes inside lab hosts, with real flags: `ssdp-device ... --json` and
// `ssdp-controller ... --json`.
import type { ControlPointEvent } from '@ssdp/control-point';
import type { DeviceEvent } from '@ssdp/device';
import type { NetnsLab } from '@ssdp/netns';
import { startInHost, type HostProcess } from './host-process.ts';
import type { JsonEvent } from './ndjson.ts';
import { parseEventLines } from './ndjson.ts';
import { controllerBin, deviceBin } from './repo-paths.ts';
import { describeRun, runInHost, type HostRun } from './run-in-host.ts';

/**
 * The `started` line of `ssdp-device --json`: the device library's own event, as device-app's output prints it
 * (JSON.stringify of the DeviceEvent).
 */
export type DeviceStarted = Extract<DeviceEvent, { event: 'started' }>;

/** One line of `ssdp-controller --json` with the given event name: the control point's own ControlPointEvent. */
export type ControllerEventOf<N extends ControlPointEvent['event']> = ControlPointEvent extends infer E
  ? E extends { readonly event: infer K }
    ? N extends K
      ? E & { readonly event: N }
      : never
    : never
  : never;

/** A `device-found` line (`ssdp-controller --once --json`). */
export type DeviceFields = ControllerEventOf<'device-found'>;

export interface DeviceProcess extends HostProcess {
  readonly started: DeviceStarted;
}

/** Starts `ssdp-device --json <args>` and waits for its `started` event. */
export async function startDevice(lab: NetnsLab, host: string, args: readonly string[]): Promise<DeviceProcess> {
  const process_ = startInHost(lab, host, process.execPath, [deviceBin, '--json', ...args], {
    label: `${host}: ssdp-device ${args.join(' ')}`,
  });
  try {
    const started = (await process_.waitForEvent((e) => e.event === 'started', 'ssdp-device started', {
      timeoutMs: 20_000,
    })) as unknown as DeviceStarted;
    return Object.assign(process_, { started });
  } catch (error) {
    await process_.stop('SIGKILL');
    throw error;
  }
}

/**
 * Waits until the device has sent its three initial announcement rounds on every interface, so whatever a peer
 * sees afterwards comes from answering its search, not from NOTIFYs already on the wire.
 */
export async function waitForInitialAnnouncements(device: DeviceProcess, timeoutMs = 15_000): Promise<void> {
  const perRound = device.started.advertisementCount * device.started.interfaces.length;
  await device.waitForEvents((e) => e.event === 'alive-sent', perRound * 3, 'three rounds of ssdp:alive', {
    timeoutMs,
  });
}

export function startController(lab: NetnsLab, host: string, args: readonly string[]): HostProcess {
  return startInHost(lab, host, process.execPath, [controllerBin, '--json', ...args], {
    label: `${host}: ssdp-controller ${args.join(' ')}`,
  });
}

export interface ControllerOnce {
  readonly run: HostRun;
  readonly found: DeviceFields[];
  readonly events: JsonEvent[];
}

/** `ssdp-controller --once --json <args>`: one search cycle; its device-found lines. */
export async function runControllerOnce(
  lab: NetnsLab,
  host: string,
  args: readonly string[],
  timeoutMs = 40_000,
): Promise<ControllerOnce> {
  const run = await runInHost(lab, host, process.execPath, [controllerBin, '--once', '--json', ...args], { timeoutMs });
  if (run.code === 2 || run.timedOut || run.signal !== null)
    throw new Error(`ssdp-controller --once failed: ${describeRun(run)}`);
  const events = parseEventLines(run.stdout);
  return { run, events, found: events.filter((e) => e.event === 'device-found') as unknown as DeviceFields[] };
}
