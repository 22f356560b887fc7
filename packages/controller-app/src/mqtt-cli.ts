// What --mqtt and --from-mqtt share on the command line: broker options from the flags and the environment
// (credentials only from SSDP_MQTT_USERNAME / SSDP_MQTT_PASSWORD), the mqtt-state lines and events, and a fatal
// broker error turned into the one line the CLI prints before it exits 2.
import { readFileSync } from 'node:fs';
import type { BrokerOptions, ConnectBroker, ConnectionStatus, MqttBridgeError } from '@ssdp/mqtt-bridge';
import type { MqttArguments } from './mqtt-arguments.ts';

/** What the MQTT side runs on; tests pass an in-memory broker and an environment. */
export interface CliMqttComponents {
  /** Default: MQTT.js. */
  readonly connect?: ConnectBroker;
  /** Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function brokerOptionsOf(args: MqttArguments, components: CliMqttComponents | undefined): BrokerOptions {
  const env = components?.env ?? process.env;
  const username = env['SSDP_MQTT_USERNAME'] || undefined;
  const password = env['SSDP_MQTT_PASSWORD'] || undefined;
  if (password !== undefined && username === undefined)
    throw new Error('SSDP_MQTT_PASSWORD is set but SSDP_MQTT_USERNAME is not');
  let ca: Buffer | undefined;
  if (args.caFile !== undefined) {
    try {
      ca = readFileSync(args.caFile);
    } catch (error) {
      throw new Error(
        `--mqtt-ca: cannot read ${args.caFile} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        { cause: error },
      );
    }
  }
  return {
    url: args.url,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(ca === undefined ? {} : { ca }),
  };
}

/** The --json event of a connection state change. */
export function mqttStateEvent(status: ConnectionStatus, site: string, time = Date.now()): Record<string, unknown> {
  return {
    event: 'mqtt-state',
    time: new Date(time).toISOString(),
    state: status.state,
    url: status.url,
    site,
    detail: status.detail,
    connects: status.connects,
  };
}

/** The stderr line of a connection state change (human output). */
export function mqttStateLine(status: ConnectionStatus, site: string): string {
  return `ssdp-controller: mqtt ${status.state} ${status.url} (site ${site})${status.detail === null ? '' : `: ${status.detail}`}`;
}

/** The stats-line part: `mqtt connected (mqtt://broker:1883, 2 connects)`. */
export function mqttStatsPart(status: ConnectionStatus): string {
  return `mqtt ${status.state} (${status.url}, ${status.connects} connect${status.connects === 1 ? '' : 's'})`;
}

/** The CLI's error for a fatal broker error: the library's message and where to fix it. */
export function cliErrorOf(error: MqttBridgeError): Error {
  const hint =
    error.code === 'SSDP_ERR_MQTT_REFUSED'
      ? ' (SSDP_MQTT_USERNAME / SSDP_MQTT_PASSWORD)'
      : error.code === 'SSDP_ERR_MQTT_TLS'
        ? ' (--mqtt-ca)'
        : '';
  return new Error(`${error.message}${hint}`);
}

/** A promise that rejects with the CLI error when `subscribe` reports a fatal error; never resolves otherwise. */
export function failureOf(subscribe: (listener: (error: MqttBridgeError) => void) => void): Promise<never> {
  const failed = new Promise<never>((_, reject) => subscribe((error) => reject(cliErrorOf(error))));
  failed.catch(() => undefined); // raced by the caller; not an unhandled rejection when nobody waits
  return failed;
}
