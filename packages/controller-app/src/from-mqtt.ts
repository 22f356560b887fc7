// --from-mqtt: a read-only view of the registries that sites publish to a broker. Prints what the control point
// would (device-added/updated/removed, --json or lines, or the --watch table), each device tagged with its site,
// plus site-status (online/offline) and mqtt-state.
import type { ControlPointEvent, DiscoveredDevice } from '@ssdp/control-point';
import { createMqttView, type ConnectionStatus, type SiteDevice } from '@ssdp/mqtt-bridge';
import type { Clock } from '@ssdp/runtime';
import type { MqttArguments } from './mqtt-arguments.ts';
import {
  brokerOptionsOf,
  failureOf,
  mqttStateEvent,
  mqttStateLine,
  mqttStatsPart,
  type CliMqttComponents,
} from './mqtt-cli.ts';
import { displayName, humanLine } from './output.ts';
import { createWatchView, type WatchView } from './watch-view.ts';

export interface FromMqttInit {
  readonly mqtt: MqttArguments;
  readonly json: boolean;
  readonly watch: boolean;
  readonly verbose: boolean;
  /** Seconds, or undefined to run until `shutdown`. */
  readonly duration: number | undefined;
}

export interface FromMqttIo {
  stdout(line: string): void;
  stderr(line: string): void;
  terminal?: { write(text: string): void; readonly columns?: number };
}

export interface FromMqttComponents {
  readonly clock: Clock;
  readonly shutdown?: AbortSignal;
  readonly mqtt?: CliMqttComponents;
}

const LABEL = 16;

/** Runs the view until the duration or the shutdown signal; rejects with the one-line error of a fatal broker error. */
export async function runFromMqtt(init: FromMqttInit, io: FromMqttIo, components: FromMqttComponents): Promise<number> {
  const { clock, shutdown } = components;
  const site = init.mqtt.site ?? '+';
  const view = createMqttView(
    { ...brokerOptionsOf(init.mqtt, components.mqtt), site, topicPrefix: init.mqtt.topicPrefix },
    components.mqtt?.connect === undefined ? {} : { connect: components.mqtt.connect },
  );
  const failed = failureOf((listener) => view.on('failed', listener));
  const offline = (device: SiteDevice) =>
    (view.sites().find((s) => s.site === device.site)?.status ?? 'unknown') !== 'online';
  let watch: WatchView | undefined;
  const terminal = io.terminal;
  if (init.watch && terminal !== undefined) {
    // The table shows DiscoveredDevice: the site (and an offline site) goes into the name column.
    const tagged = (device: SiteDevice): DiscoveredDevice => ({
      ...device,
      friendlyName: `${displayName(device)} @${device.site}${offline(device) ? ' (site offline)' : ''}`,
    });
    watch = createWatchView(
      { ...(terminal.columns === undefined ? {} : { columns: terminal.columns }) },
      { clock, devices: () => view.devices().map(tagged), write: (text) => terminal.write(text) },
    );
  }
  const time = () => new Date(clock.now()).toISOString();
  const deviceEvent = (event: Record<string, unknown> & { site: string }) => {
    const flat = { time: time(), ...event } as unknown as ControlPointEvent & { site: string };
    if (watch !== undefined) return watch.onEvent(flat);
    if (init.json) return io.stdout(JSON.stringify(flat));
    const line = humanLine(flat, false);
    if (line !== undefined) io.stdout(`${line}  @${flat.site}`);
  };
  view.on('device-added', (device) => deviceEvent({ event: 'device-added', ...device }));
  view.on('device-updated', (device, changes) => deviceEvent({ event: 'device-updated', ...device, changes }));
  view.on('device-removed', (device, reason) => deviceEvent({ event: 'device-removed', reason, ...device }));
  view.on('site-status', (name, status) => {
    if (watch !== undefined) return watch.render();
    if (init.json) io.stdout(JSON.stringify({ event: 'site-status', time: time(), site: name, status }));
    else io.stdout(`${'site-status'.padEnd(LABEL)}${name} ${status}`);
  });
  view.on('warning', (line) => io.stderr(`ssdp-controller: ${line}`));
  const reportState = (status: ConnectionStatus) => {
    if (status.state === 'failed') return;
    if (init.json) io.stdout(JSON.stringify(mqttStateEvent(status, site, clock.now())));
    else if (watch === undefined && status.state !== 'closed') io.stderr(mqttStateLine(status, site));
  };
  if (init.json) reportState(view.connection);
  view.on('state', reportState);
  if (watch !== undefined) {
    terminal?.write('\x1b[2J');
    watch.render();
  }
  try {
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const running = new Promise<void>((resolve) => {
      if (shutdown?.aborted === true) return resolve();
      shutdown?.addEventListener('abort', () => resolve(), { once: true });
      if (init.duration !== undefined) timer = clock.setTimeout(resolve, init.duration * 1000);
    });
    await Promise.race([running, failed]).finally(() => {
      if (timer !== undefined) clock.clearTimeout(timer);
    });
    return 0;
  } finally {
    watch?.stop();
    if (init.verbose)
      io.stderr(
        `ssdp-controller: ${view.devices().length} devices from ${view.sites().length} sites, ${mqttStatsPart(view.connection)}`,
      );
    await view.close();
  }
}
