// One broker connection with a state anyone can read: connecting -> connected <-> reconnecting, and closed or
// failed at the end. Reconnects back off (min, doubling, max). Refused credentials and a rejected broker
// certificate are fatal (typed error, no retry): they do not fix themselves; network errors are retried.
import { randomBytes } from 'node:crypto';
import { connectWithMqttJs, type BrokerClient, type ConnectBroker } from './broker-client.ts';
import type { ResolvedBrokerOptions } from './broker-options.ts';
import { MqttBridgeError } from './errors.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'failed';

/** The connection as reported by `state` and the `state` event (and the CLI's --json `mqtt-state`). */
export interface ConnectionStatus {
  readonly state: ConnectionState;
  /** Scheme, host and port (never credentials). */
  readonly url: string;
  /** Why it is not connected: the last error seen, or null. */
  readonly detail: string | null;
  /** Successful connections so far (1 after the first, 2 after one reconnect ...). */
  readonly connects: number;
}

export interface ConnectionHandlers {
  onConnected(): void;
  onMessage(topic: string, payload: Buffer, retain: boolean): void;
  onStatus(status: ConnectionStatus): void;
  onFatal(error: MqttBridgeError): void;
}

export interface BrokerConnection {
  readonly client: BrokerClient;
  status(): ConnectionStatus;
  /** Ends the connection: cleanly (DISCONNECT) when `force` is false and it is up, else drops it. */
  close(force: boolean): Promise<void>;
}

/** CONNACK return codes of MQTT 3.1.1 (4, 5) and reason codes of MQTT 5 (134, 135) that mean "credentials". */
const REFUSED_CODES = new Map<number, string>([
  [4, 'bad user name or password'],
  [5, 'not authorized'],
  [134, 'bad user name or password'],
  [135, 'not authorized'],
]);

/** Node/OpenSSL codes of a broker certificate that is not trusted for this host. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The fatal error an MQTT.js error stands for, or undefined when a retry may help. */
export function classifyError(
  error: Error & { readonly code?: string | number },
  url: string,
): MqttBridgeError | undefined {
  if (typeof error.code === 'number' && REFUSED_CODES.has(error.code) && /refused/i.test(error.message)) {
    return new MqttBridgeError(
      'SSDP_ERR_MQTT_REFUSED',
      `${url} refused the connection: ${REFUSED_CODES.get(error.code)!} (CONNACK ${error.code}); check the user name and password`,
      { cause: error },
    );
  }
  if (typeof error.code === 'string' && TLS_CODES.has(error.code)) {
    return new MqttBridgeError(
      'SSDP_ERR_MQTT_TLS',
      `${url}: the broker's certificate is not trusted (${error.code}: ${error.message}); check the CA`,
      { cause: error },
    );
  }
  return undefined;
}

export function openBrokerConnection(
  options: ResolvedBrokerOptions,
  handlers: ConnectionHandlers,
  init: { readonly will?: { readonly topic: string; readonly payload: string }; readonly connect?: ConnectBroker },
): BrokerConnection {
  let state: ConnectionState = 'connecting';
  let detail: string | null = null;
  let connects = 0;
  let period = options.reconnectMinMs;
  const status = (): ConnectionStatus => ({ state, url: options.displayUrl, detail, connects });
  const setState = (next: ConnectionState, why: string | null): void => {
    if (state === next && detail === why) return;
    state = next;
    detail = why;
    handlers.onStatus(status());
  };
  const ended = () => state === 'closed' || state === 'failed';

  const client = (init.connect ?? connectWithMqttJs)({
    url: options.url,
    clientId: options.clientId ?? `ssdp-${randomBytes(4).toString('hex')}`,
    username: options.username,
    password: options.password,
    ca: options.ca,
    keepaliveSeconds: options.keepaliveSeconds,
    reconnectPeriodMs: options.reconnectMinMs,
    connectTimeoutMs: options.connectTimeoutMs,
    ...(init.will === undefined ? {} : { will: init.will }),
  });
  let lastError: string | null = null;

  client.on('connect', () => {
    if (ended()) return;
    connects += 1;
    lastError = null;
    period = options.reconnectMinMs;
    client.setReconnectPeriod(period);
    setState('connected', null);
    handlers.onConnected();
  });
  client.on('close', () => {
    if (ended()) return;
    // Before the first CONNACK it is still connecting (with the reason it failed so far), after it reconnecting.
    setState(connects === 0 ? 'connecting' : 'reconnecting', lastError ?? 'connection closed');
  });
  client.on('reconnect', () => {
    // Each attempt doubles the wait before the next one (MQTT.js reads the period when it arms its timer).
    period = Math.min(period * 2, options.reconnectMaxMs);
    client.setReconnectPeriod(period);
  });
  client.on('error', (error) => {
    if (ended()) return;
    const fatal = classifyError(error, options.displayUrl);
    if (fatal === undefined) {
      lastError = error.message;
      return;
    }
    setState('failed', fatal.message);
    client.end(true, () => undefined);
    handlers.onFatal(fatal);
  });
  client.on('message', (topic, payload, packet) => {
    if (!ended()) handlers.onMessage(topic, payload, packet.retain === true);
  });

  return {
    client,
    status,
    close: (force) =>
      new Promise<void>((resolve) => {
        if (ended()) return resolve();
        const clean = !force && state === 'connected';
        setState('closed', null);
        client.end(!clean, () => resolve());
      }),
  };
}
