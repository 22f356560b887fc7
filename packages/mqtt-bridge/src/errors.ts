// Typed errors of the MQTT bridge and view. `code` is stable: scripts and the CLI switch on it, never on text.

export type MqttBridgeErrorCode =
  /** The broker URL is not mqtt:// or mqtts:// with a host, or carries credentials or a path. */
  | 'SSDP_ERR_MQTT_URL'
  /** A site, topic prefix or number option is out of range (wildcards, empty levels ...). */
  | 'SSDP_ERR_MQTT_OPTION'
  /** The broker refused the connection: bad user name or password, or not authorized. Not retried. */
  | 'SSDP_ERR_MQTT_REFUSED'
  /** The TLS handshake failed on the broker's certificate (unknown CA, wrong host name, expired). Not retried. */
  | 'SSDP_ERR_MQTT_TLS';

export class MqttBridgeError extends Error {
  override readonly name = 'MqttBridgeError';
  readonly code: MqttBridgeErrorCode;

  constructor(code: MqttBridgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isMqttBridgeError(error: unknown): error is MqttBridgeError {
  return error instanceof MqttBridgeError;
}
