// The few things the bridge and the view need from an MQTT client, and MQTT.js behind them. Tests pass a fake
// (test/fake-broker.ts) through the same narrow interface.
import { createRequire } from 'node:module';
import type * as Mqtt from 'mqtt';

/** MQTT.js loads on the first connect, so importing this package (its validators, say) costs nothing. */
function mqttConnect(...args: Parameters<typeof Mqtt.connect>): ReturnType<typeof Mqtt.connect> {
  const mqtt = createRequire(import.meta.url)('mqtt') as typeof Mqtt;
  return mqtt.connect(...args);
}

export interface BrokerClient {
  /** connect: after each CONNACK (MQTT.js has re-sent its unacknowledged messages); close: the socket is gone. */
  on(event: 'connect' | 'close' | 'reconnect', listener: () => void): void;
  on(event: 'error', listener: (error: Error & { readonly code?: string | number }) => void): void;
  on(event: 'message', listener: (topic: string, payload: Buffer, packet: { readonly retain?: boolean }) => void): void;
  /** QoS 1; the callback runs on PUBACK, or with an error when the client is ended first. */
  publish(
    topic: string,
    payload: string,
    options: { readonly qos: 1; readonly retain: boolean },
    callback: (error?: Error) => void,
  ): void;
  /** QoS 1; the callback runs on SUBACK (retained messages of the filters follow it). */
  subscribe(filters: readonly string[], callback: (error: Error | null) => void): void;
  unsubscribe(filters: readonly string[]): void;
  /** The wait before the next reconnect attempt. */
  setReconnectPeriod(ms: number): void;
  /** force: drop the socket (the broker then publishes the last will); else a clean DISCONNECT. */
  end(force: boolean, callback: () => void): void;
}

export interface ClientInit {
  readonly url: string;
  readonly clientId: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly ca: string | Buffer | undefined;
  readonly keepaliveSeconds: number;
  readonly reconnectPeriodMs: number;
  readonly connectTimeoutMs: number;
  /** Retained, QoS 1. */
  readonly will?: { readonly topic: string; readonly payload: string };
}

export type ConnectBroker = (init: ClientInit) => BrokerClient;

/** MQTT 3.1.1 over MQTT.js: clean session, our own subscriptions on each connect, retries after CONNACK errors too. */
export const connectWithMqttJs: ConnectBroker = (init) => {
  const client = mqttConnect(init.url, {
    clientId: init.clientId,
    protocolVersion: 4,
    clean: true,
    keepalive: init.keepaliveSeconds,
    reconnectPeriod: init.reconnectPeriodMs,
    connectTimeout: init.connectTimeoutMs,
    // We subscribe again ourselves on every connect, with a callback that tells when the retained state is in.
    resubscribe: false,
    // A refused CONNACK is classified by the connection (credentials are fatal, "server unavailable" is not).
    reconnectOnConnackError: true,
    queueQoSZero: false,
    ...(init.username === undefined ? {} : { username: init.username }),
    ...(init.password === undefined ? {} : { password: init.password }),
    ...(init.ca === undefined ? {} : { ca: init.ca }),
    ...(init.will === undefined
      ? {}
      : { will: { topic: init.will.topic, payload: Buffer.from(init.will.payload), qos: 1, retain: true } }),
  });
  return {
    on: (event: string, listener: (...args: never[]) => void) =>
      void client.on(event as 'connect', listener as () => void),
    publish: (topic, payload, options, callback) =>
      void client.publish(topic, payload, { qos: options.qos, retain: options.retain }, (error) => callback(error)),
    subscribe: (filters, callback) =>
      void client.subscribe([...filters], { qos: 1 }, (error) => callback(error ?? null)),
    unsubscribe: (filters) => void client.unsubscribe([...filters]),
    setReconnectPeriod: (ms) => {
      client.options.reconnectPeriod = ms;
    },
    end: (force, callback) => void client.end(force, {}, () => callback()),
  };
};
