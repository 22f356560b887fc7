// attachMqttBridge: publishes a control point's live registry to an MQTT broker (README "Topics"): a retained
// JSON message per device, a retained site status with a last will, and a full resync after every reconnect.
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { ControlPointEventMap, DiscoveredDevice } from '@ssdp/control-point';
import type { ConnectBroker } from './broker-client.ts';
import {
  openBrokerConnection,
  type BrokerConnection,
  type ConnectionState,
  type ConnectionStatus,
} from './broker-connection.ts';
import { resolveBrokerOptions, type BrokerOptions } from './broker-options.ts';
import type { MqttBridgeError } from './errors.ts';
import { RegistryPublisher, type PublisherStats } from './registry-publisher.ts';
import {
  DEFAULT_TOPIC_PREFIX,
  devicesFilter,
  parseTopic,
  STATUS_OFFLINE,
  STATUS_ONLINE,
  statusTopic,
  validateSite,
  validateTopicPrefix,
} from './topics.ts';

export interface MqttBridgeOptions extends BrokerOptions {
  /** This control point's site: one topic level. Default: the host name. */
  readonly site?: string;
  /** Default `ssdp`. */
  readonly topicPrefix?: string;
  /** Unacknowledged publishes at once. Default 100. */
  readonly maxInFlight?: number;
  /**
   * Retained devices of this site that an earlier run left on the broker are cleared unless the control point
   * finds them within this time after connecting. Default 15000.
   */
  readonly staleGraceMs?: number;
  /** How long close() waits for the broker to acknowledge `offline`. Default 2000. */
  readonly closeTimeoutMs?: number;
}

/** What the bridge reads from a control point: any ControlPoint of @ssdp/control-point fits. */
export interface RegistrySource {
  on<K extends keyof ControlPointEventMap>(event: K, listener: (...args: ControlPointEventMap[K]) => void): unknown;
  off<K extends keyof ControlPointEventMap>(event: K, listener: (...args: ControlPointEventMap[K]) => void): unknown;
  devices(): DiscoveredDevice[];
}

export interface MqttBridgeComponents {
  /** Default: MQTT.js. */
  readonly connect?: ConnectBroker;
}

export interface MqttBridgeEventMap {
  /** The connection changed state. */
  state: [status: ConnectionStatus];
  /** Fatal (refused credentials, untrusted certificate): the bridge stopped; `state` is `failed`. */
  failed: [error: MqttBridgeError];
}

export interface MqttBridgeStats extends PublisherStats {
  readonly connection: ConnectionStatus;
}

const DEVICE_EVENTS = ['device-added', 'device-updated', 'device-rebooted', 'describe-failed', 'device-found'] as const;

/** The bridge between one control point and one broker. Create it with attachMqttBridge. */
export class MqttBridge extends EventEmitter<MqttBridgeEventMap> {
  readonly site: string;
  readonly topicPrefix: string;
  readonly #controlPoint: RegistrySource;
  readonly #publisher: RegistryPublisher;
  readonly #connection: BrokerConnection;
  readonly #closeTimeoutMs: number;
  readonly #onDevice = (device: DiscoveredDevice, ..._details: unknown[]): void => this.#publisher.upsert(device);
  readonly #onRemoved = (device: DiscoveredDevice): void => this.#publisher.remove(device.udn);
  #graceTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  /** @internal Use attachMqttBridge. */
  constructor(controlPoint: RegistrySource, options: MqttBridgeOptions, components: MqttBridgeComponents) {
    super();
    const broker = resolveBrokerOptions(options);
    this.site = validateSite(options.site ?? os.hostname());
    this.topicPrefix = validateTopicPrefix(options.topicPrefix ?? DEFAULT_TOPIC_PREFIX);
    const staleGraceMs = options.staleGraceMs ?? 15_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 2000;
    this.#controlPoint = controlPoint;
    const status = statusTopic(this.topicPrefix, this.site);
    const ownDevices = devicesFilter(this.topicPrefix, this.site);

    this.#publisher = new RegistryPublisher(
      { topicPrefix: this.topicPrefix, site: this.site, maxInFlight: options.maxInFlight ?? 100, maxOrphans: 10_000 },
      (topic, payload, done) => this.#connection.client.publish(topic, payload, { qos: 1, retain: true }, () => done()),
    );
    this.#connection = openBrokerConnection(
      broker,
      {
        onConnected: () => {
          const { client } = this.#connection;
          client.publish(status, STATUS_ONLINE, { qos: 1, retain: true }, () => undefined);
          this.#publisher.connected();
          // Retained entries of this site that this run never published are an earlier run's: adopt them so
          // they are cleared if the devices do not come back within the grace time.
          client.subscribe([ownDevices], () => undefined);
          clearTimeout(this.#graceTimer);
          this.#graceTimer = setTimeout(() => {
            this.#publisher.clearOrphans();
            if (this.state === 'connected') this.#connection.client.unsubscribe([ownDevices]);
          }, staleGraceMs);
        },
        onMessage: (topic, payload, retain) => {
          const parsed = parseTopic(this.topicPrefix, topic);
          if (retain && payload.length > 0 && parsed?.kind === 'device' && parsed.site === this.site)
            this.#publisher.noteRetained(parsed.udn);
        },
        onStatus: (next) => {
          if (next.state !== 'connected') this.#publisher.disconnected();
          this.emit('state', next);
        },
        onFatal: (error) => {
          this.#detach();
          this.emit('failed', error);
        },
      },
      {
        will: { topic: status, payload: STATUS_OFFLINE },
        ...(components.connect === undefined ? {} : { connect: components.connect }),
      },
    );
    for (const device of controlPoint.devices()) this.#publisher.upsert(device);
    for (const name of DEVICE_EVENTS) controlPoint.on(name, this.#onDevice);
    controlPoint.on('device-removed', this.#onRemoved);
  }

  /** connecting | connected | reconnecting | closed | failed. */
  get state(): ConnectionState {
    return this.#connection.status().state;
  }

  get connection(): ConnectionStatus {
    return this.#connection.status();
  }

  stats(): MqttBridgeStats {
    return { ...this.#publisher.stats(), connection: this.#connection.status() };
  }

  /** Stops publishing: `offline` on the status topic (acknowledged, or after closeTimeoutMs), then disconnects. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#detach();
    if (this.state === 'connected') {
      const acknowledged = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), this.#closeTimeoutMs);
        this.#connection.client.publish(
          statusTopic(this.topicPrefix, this.site),
          STATUS_OFFLINE,
          { qos: 1, retain: true },
          (error) => {
            clearTimeout(timer);
            resolve(error === undefined);
          },
        );
      });
      // Unacknowledged: drop the socket, so the broker publishes the last will (offline) itself.
      await this.#connection.close(!acknowledged || this.#publisher.stats().inFlight > 0);
      return;
    }
    await this.#connection.close(true);
  }

  #detach(): void {
    clearTimeout(this.#graceTimer);
    for (const name of DEVICE_EVENTS) this.#controlPoint.off(name, this.#onDevice);
    this.#controlPoint.off('device-removed', this.#onRemoved);
  }
}

/**
 * Publishes `controlPoint`'s registry to the broker at `options.url`, now and as it changes, reconnecting with
 * backoff for as long as it is attached. Throws MqttBridgeError (SSDP_ERR_MQTT_URL, SSDP_ERR_MQTT_OPTION) for a
 * wrong option; refused credentials or an untrusted certificate come later, as the `failed` event.
 */
export function attachMqttBridge(
  controlPoint: RegistrySource,
  options: MqttBridgeOptions,
  components: MqttBridgeComponents = {},
): MqttBridge {
  return new MqttBridge(controlPoint, options, components);
}
