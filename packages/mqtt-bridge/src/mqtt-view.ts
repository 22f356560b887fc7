// createMqttView: the read-only side. Subscribes to the retained devices and statuses of one site or of every
// site (`+`) and reports them as events, like a control point's, with each device tagged with its site. After a
// reconnect the broker's retained state is read again and devices it no longer holds are removed.
import { EventEmitter } from 'node:events';
import type { ConnectBroker } from './broker-client.ts';
import {
  openBrokerConnection,
  type BrokerConnection,
  type ConnectionState,
  type ConnectionStatus,
} from './broker-connection.ts';
import { resolveBrokerOptions, type BrokerOptions } from './broker-options.ts';
import type { MqttBridgeError } from './errors.ts';
import { parseDevicePayload, SiteRegistry, type SiteDevice } from './site-registry.ts';
import {
  DEFAULT_TOPIC_PREFIX,
  devicesFilter,
  parseTopic,
  statusTopic,
  validateSite,
  validateTopicPrefix,
} from './topics.ts';

export interface MqttViewOptions extends BrokerOptions {
  /** A site name, or `+` (default) for every site. */
  readonly site?: string;
  /** Default `ssdp`. */
  readonly topicPrefix?: string;
  /** Registry bound: devices past it are ignored (with a warning). Default 100000. */
  readonly maxDevices?: number;
  /** After a (re)subscription, how long retained messages may take to arrive before the view is in sync. Default 1000. */
  readonly settleMs?: number;
}

export interface MqttViewComponents {
  readonly connect?: ConnectBroker;
}

/** Why a device left the view: its retained message was cleared, or the broker no longer held it after a reconnect. */
export type SiteRemovalReason = 'cleared' | 'resync';

/** `online` or `offline` as the site published it (`offline` also by its last will); `unknown` when cleared. */
export type SiteStatus = string;

export interface MqttViewEventMap {
  'device-added': [device: SiteDevice];
  'device-updated': [device: SiteDevice, changes: readonly string[]];
  'device-removed': [device: SiteDevice, reason: SiteRemovalReason];
  'site-status': [site: string, status: SiteStatus];
  /** The retained state has arrived after a (re)subscription (settleMs after the SUBACK). */
  synced: [];
  state: [status: ConnectionStatus];
  /** A message that is not what the topic layout says (ignored), or the registry bound reached. */
  warning: [message: string];
  /** Fatal (refused credentials, untrusted certificate): the view stopped; `state` is `failed`. */
  failed: [error: MqttBridgeError];
}

export class MqttView extends EventEmitter<MqttViewEventMap> {
  readonly site: string;
  readonly topicPrefix: string;
  readonly #registry: SiteRegistry;
  readonly #statuses = new Map<string, SiteStatus>();
  readonly #connection: BrokerConnection;
  #settleTimer: NodeJS.Timeout | undefined;
  #fullWarned = false;

  /** @internal Use createMqttView. */
  constructor(options: MqttViewOptions, components: MqttViewComponents) {
    super();
    const broker = resolveBrokerOptions(options);
    this.site = validateSite(options.site ?? '+', true);
    this.topicPrefix = validateTopicPrefix(options.topicPrefix ?? DEFAULT_TOPIC_PREFIX);
    this.#registry = new SiteRegistry(options.maxDevices ?? 100_000);
    const settleMs = options.settleMs ?? 1000;
    const filters = [devicesFilter(this.topicPrefix, this.site), statusTopic(this.topicPrefix, this.site)];

    this.#connection = openBrokerConnection(
      broker,
      {
        onConnected: () => {
          this.#registry.beginResync();
          this.#connection.client.subscribe(filters, (error) => {
            if (error !== null) return; // the connection is gone; the next connect subscribes again
            clearTimeout(this.#settleTimer);
            this.#settleTimer = setTimeout(() => {
              for (const device of this.#registry.endResync()) this.emit('device-removed', device, 'resync');
              this.emit('synced');
            }, settleMs);
          });
        },
        onMessage: (topic, payload) => this.#onMessage(topic, payload),
        onStatus: (status) => {
          if (status.state !== 'connected') clearTimeout(this.#settleTimer);
          this.emit('state', status);
        },
        onFatal: (error) => this.emit('failed', error),
      },
      components.connect === undefined ? {} : { connect: components.connect },
    );
  }

  get state(): ConnectionState {
    return this.#connection.status().state;
  }

  get connection(): ConnectionStatus {
    return this.#connection.status();
  }

  /** Every site's devices known now. */
  devices(): SiteDevice[] {
    return this.#registry.devices();
  }

  /** The status of every site seen. */
  sites(): { readonly site: string; readonly status: SiteStatus }[] {
    return [...this.#statuses].map(([site, status]) => ({ site, status }));
  }

  async close(): Promise<void> {
    clearTimeout(this.#settleTimer);
    await this.#connection.close(false);
  }

  #onMessage(topic: string, payload: Buffer): void {
    const parsed = parseTopic(this.topicPrefix, topic);
    if (parsed === undefined) return;
    if (parsed.kind === 'status') {
      const status = payload.length === 0 ? 'unknown' : payload.toString('utf8');
      if (this.#statuses.get(parsed.site) === status) return;
      this.#statuses.set(parsed.site, status);
      this.emit('site-status', parsed.site, status);
      return;
    }
    if (payload.length === 0) {
      const gone = this.#registry.delete(parsed.site, parsed.udn);
      if (gone !== undefined) this.emit('device-removed', gone, 'cleared');
      return;
    }
    const device = parseDevicePayload(parsed.site, parsed.udn, payload);
    if (typeof device === 'string') {
      this.emit('warning', `ignored ${topic}: ${device}`);
      return;
    }
    const change = this.#registry.set(device);
    if (change.kind === 'added') this.emit('device-added', change.device);
    else if (change.kind === 'updated') this.emit('device-updated', change.device, change.changes);
    else if (change.kind === 'full' && !this.#fullWarned) {
      this.#fullWarned = true;
      this.emit('warning', `more than ${this.#registry.size} devices: the others are ignored (maxDevices)`);
    }
  }
}

/**
 * A read-only view of the registries that bridges publish to the broker at `options.url`. Throws MqttBridgeError
 * (SSDP_ERR_MQTT_URL, SSDP_ERR_MQTT_OPTION) for a wrong option; refused credentials or an untrusted certificate
 * come later, as the `failed` event.
 */
export function createMqttView(options: MqttViewOptions, components: MqttViewComponents = {}): MqttView {
  return new MqttView(options, components);
}
