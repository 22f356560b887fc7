// What it takes to reach a broker, shared by the bridge and the view, and its validation (typed errors).
import { MqttBridgeError } from './errors.ts';

export interface BrokerOptions {
  /** `mqtt://host[:port]` or `mqtts://host[:port]` (TLS). Credentials never go in the URL: use username/password. */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** PEM CA certificate(s) (one PEM text may hold several) that signed the broker's certificate, for mqtts:// (default: Node's CA list). */
  readonly ca?: string | Buffer;
  /** Default `ssdp-` and 8 random hex digits. */
  readonly clientId?: string;
  /** MQTT keepalive: a dead broker or link is noticed within 1.5 times this. Default 15 s. */
  readonly keepaliveSeconds?: number;
  /** First wait before reconnecting; it doubles after each failed attempt up to reconnectMaxMs. Default 1000. */
  readonly reconnectMinMs?: number;
  /** Default 30000. */
  readonly reconnectMaxMs?: number;
  /** Deadline for the broker's CONNACK. Default 10000. */
  readonly connectTimeoutMs?: number;
}

export interface ResolvedBrokerOptions {
  readonly url: string;
  /** The URL as shown in messages and states: scheme, host and port. */
  readonly displayUrl: string;
  readonly tls: boolean;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly ca: string | Buffer | undefined;
  readonly clientId: string | undefined;
  readonly keepaliveSeconds: number;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly connectTimeoutMs: number;
}

function integerOption(name: string, value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new MqttBridgeError('SSDP_ERR_MQTT_OPTION', `${name} must be an integer in ${min}..${max}: ${String(value)}`);
  }
  return value;
}

/** Validates a broker URL; throws MqttBridgeError SSDP_ERR_MQTT_URL. */
export function parseBrokerUrl(url: string): { readonly displayUrl: string; readonly tls: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MqttBridgeError(
      'SSDP_ERR_MQTT_URL',
      `not a broker URL (expected mqtt://host[:port] or mqtts://host[:port]): ${JSON.stringify(url)}`,
    );
  }
  if (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'mqtts:') {
    throw new MqttBridgeError(
      'SSDP_ERR_MQTT_URL',
      `broker URL scheme must be mqtt: or mqtts:, not ${parsed.protocol} (${JSON.stringify(url)})`,
    );
  }
  if (parsed.hostname === '')
    throw new MqttBridgeError('SSDP_ERR_MQTT_URL', `broker URL has no host: ${JSON.stringify(url)}`);
  if (parsed.username !== '' || parsed.password !== '') {
    throw new MqttBridgeError(
      'SSDP_ERR_MQTT_URL',
      'broker URL carries credentials: pass them as username/password (the CLI reads SSDP_MQTT_USERNAME/SSDP_MQTT_PASSWORD)',
    );
  }
  if ((parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search !== '' || parsed.hash !== '') {
    throw new MqttBridgeError(
      'SSDP_ERR_MQTT_URL',
      `broker URL must be scheme, host and port only: ${JSON.stringify(url)}`,
    );
  }
  const tls = parsed.protocol === 'mqtts:';
  const port = parsed.port === '' ? (tls ? '8883' : '1883') : parsed.port;
  return { displayUrl: `${parsed.protocol}//${parsed.hostname}:${port}`, tls };
}

export function resolveBrokerOptions(options: BrokerOptions): ResolvedBrokerOptions {
  const { displayUrl, tls } = parseBrokerUrl(options.url);
  if (options.ca !== undefined && !tls)
    throw new MqttBridgeError('SSDP_ERR_MQTT_OPTION', `a CA only applies to mqtts:// (the URL is ${displayUrl})`);
  if (options.password !== undefined && options.username === undefined) {
    throw new MqttBridgeError('SSDP_ERR_MQTT_OPTION', 'a password needs a username');
  }
  const reconnectMinMs = integerOption('reconnectMinMs', options.reconnectMinMs, 10, 600_000, 1000);
  return {
    url: options.url,
    displayUrl,
    tls,
    username: options.username,
    password: options.password,
    ca: options.ca,
    clientId: options.clientId,
    keepaliveSeconds: integerOption('keepaliveSeconds', options.keepaliveSeconds, 1, 65_535, 15),
    reconnectMinMs,
    reconnectMaxMs: integerOption(
      'reconnectMaxMs',
      options.reconnectMaxMs,
      reconnectMinMs,
      3_600_000,
      Math.max(30_000, reconnectMinMs),
    ),
    connectTimeoutMs: integerOption('connectTimeoutMs', options.connectTimeoutMs, 100, 600_000, 10_000),
  };
}
