// --mqtt: attaches the MQTT bridge to the CLI's control point and reports its connection state (--json
// mqtt-state events, else stderr lines) and its fatal errors.
import os from 'node:os';
import { attachMqttBridge, type ConnectionStatus, type RegistrySource } from '@ssdp/mqtt-bridge';
import type { MqttArguments } from './mqtt-arguments.ts';
import {
  brokerOptionsOf,
  failureOf,
  mqttStateEvent,
  mqttStateLine,
  mqttStatsPart,
  type CliMqttComponents,
} from './mqtt-cli.ts';

export interface CliMqttOutput {
  readonly json: boolean;
  /** A --json line (stdout). */
  event(event: Record<string, unknown>): void;
  /** A log line (stderr). */
  log(line: string): void;
}

export interface CliMqttPublisher {
  /** Rejects with the CLI's one-line error when the broker refuses the credentials or the certificate. */
  readonly failed: Promise<never>;
  /** For the stats line. */
  statsPart(): string;
  /** For the --json stats line. */
  status(): ConnectionStatus;
  /** Publishes offline and disconnects. */
  close(): Promise<void>;
}

export function startMqttPublisher(
  args: MqttArguments,
  controller: RegistrySource,
  output: CliMqttOutput,
  components?: CliMqttComponents,
): CliMqttPublisher {
  const bridge = attachMqttBridge(
    controller,
    { ...brokerOptionsOf(args, components), site: args.site ?? os.hostname(), topicPrefix: args.topicPrefix },
    components?.connect === undefined ? {} : { connect: components.connect },
  );
  const report = () => {
    const status = bridge.connection;
    if (output.json) output.event(mqttStateEvent(status, bridge.site));
    else output.log(mqttStateLine(status, bridge.site));
  };
  // The first `connecting` is news only to scripts; people hear of it when it connects or fails.
  if (output.json) report();
  bridge.on('state', (status) => {
    if (status.state !== 'failed' && (output.json || status.state !== 'closed')) report();
  });
  return {
    failed: failureOf((listener) => bridge.on('failed', listener)),
    statsPart: () => mqttStatsPart(bridge.connection),
    status: () => bridge.connection,
    close: () => bridge.close(),
  };
}
