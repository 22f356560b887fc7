// An in-memory MQTT broker for tests (@ssdp/mqtt-bridge/testing), behind the same narrow BrokerClient interface as MQTT.js: retained
// messages, `+` filters, last wills, refused credentials, a broker that goes down and comes back (keeping or
// losing its retained messages), and MQTT.js's habits: unacknowledged QoS 1 publishes are re-sent on reconnect
// before `connect`, reconnect attempts every reconnect period. Publishing while disconnected throws: the code
// under test must not queue behind the client's back.
import type { BrokerClient, ClientInit, ConnectBroker } from '../broker-client.ts';

type Listener = (...args: never[]) => void;

interface Pending {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
  readonly callback: (error?: Error) => void;
}

export interface PublishRecord {
  readonly clientId: string;
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

export class FakeBroker {
  readonly retained = new Map<string, string>();
  readonly log: PublishRecord[] = [];
  readonly clients = new Set<FakeClient>();
  up = true;
  /** When set, CONNECTs with other credentials are refused (CONNACK 5). */
  credentials: { username: string; password: string } | undefined;
  /** While true, PUBACKs are held back (released by releaseAcks). */
  holdAcks = false;
  readonly heldAcks: (() => void)[] = [];

  readonly connect: ConnectBroker = (init) => {
    const client = new FakeClient(this, init);
    this.clients.add(client);
    client.attempt();
    return client;
  };

  /** The broker dies: every connection drops (no last will: the broker itself is gone). */
  stop(options: { loseRetained: boolean }): void {
    this.up = false;
    if (options.loseRetained) this.retained.clear();
    for (const client of this.clients) client.drop();
  }

  start(): void {
    this.up = true;
  }

  releaseAcks(): void {
    for (const ack of this.heldAcks.splice(0)) ack();
  }

  /** What a fresh subscriber to `filter` would get now. */
  retainedMatching(filter: string): Map<string, string> {
    return new Map([...this.retained].filter(([topic]) => topicMatches(filter, topic)));
  }

  route(from: FakeClient | undefined, topic: string, payload: string, retain: boolean): void {
    this.log.push({ clientId: from?.init.clientId ?? '(will)', topic, payload, retain });
    if (retain) {
      if (payload === '') this.retained.delete(topic);
      else this.retained.set(topic, payload);
    }
    for (const client of this.clients) client.deliver(topic, payload);
  }
}

export class FakeClient implements BrokerClient {
  readonly init: ClientInit;
  readonly #broker: FakeBroker;
  readonly #listeners = new Map<string, Listener[]>();
  readonly #filters = new Set<string>();
  #pending: Pending[] = [];
  #period: number;
  #timer: NodeJS.Timeout | undefined;
  connected = false;
  ended = false;

  constructor(broker: FakeBroker, init: ClientInit) {
    this.#broker = broker;
    this.init = init;
    this.#period = init.reconnectPeriodMs;
  }

  get reconnectPeriod(): number {
    return this.#period;
  }

  on(event: string, listener: Listener): void {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
  }

  #emit(event: string, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (...a: unknown[]) => void)(...args);
  }

  attempt(): void {
    setImmediate(() => {
      if (this.ended) return;
      const broker = this.#broker;
      if (!broker.up) {
        this.#emit('error', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1883'), { code: 'ECONNREFUSED' }));
        this.#emit('close');
        this.#scheduleReconnect();
        return;
      }
      const wanted = broker.credentials;
      if (wanted !== undefined && (this.init.username !== wanted.username || this.init.password !== wanted.password)) {
        this.#emit('error', Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }));
        this.#emit('close');
        this.#scheduleReconnect();
        return;
      }
      this.connected = true;
      this.#filters.clear();
      // MQTT.js re-sends what was never acknowledged before it emits connect.
      const replay = this.#pending;
      this.#pending = [];
      for (const message of replay) this.#send(message);
      this.#emit('connect');
    });
  }

  #scheduleReconnect(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.ended) return;
      this.#emit('reconnect');
      this.attempt();
    }, this.#period);
  }

  /** The connection is lost (broker stopped). */
  drop(): void {
    if (!this.connected) return;
    this.connected = false;
    this.#emit('close');
    this.#scheduleReconnect();
  }

  /** kill -9 of the process: the socket closes without DISCONNECT, so the broker publishes the will. */
  crash(): void {
    this.ended = true;
    clearTimeout(this.#timer);
    if (!this.connected) return;
    this.connected = false;
    this.#broker.clients.delete(this);
    const will = this.init.will;
    if (will !== undefined && this.#broker.up) this.#broker.route(undefined, will.topic, will.payload, true);
  }

  deliver(topic: string, payload: string, retain = false): void {
    if (!this.connected || ![...this.#filters].some((filter) => topicMatches(filter, topic))) return;
    this.#emit('message', topic, Buffer.from(payload), { retain });
  }

  publish(
    topic: string,
    payload: string,
    options: { readonly qos: 1; readonly retain: boolean },
    callback: (error?: Error) => void,
  ): void {
    if (!this.connected) throw new Error(`publish while disconnected: ${topic}`);
    this.#send({ topic, payload, retain: options.retain, callback });
  }

  #send(message: Pending): void {
    this.#pending.push(message);
    setImmediate(() => {
      if (!this.connected || !this.#pending.includes(message)) return; // lost with the connection: re-sent later
      this.#pending = this.#pending.filter((m) => m !== message);
      this.#broker.route(this, message.topic, message.payload, message.retain);
      const ack = () => message.callback();
      if (this.#broker.holdAcks) this.#broker.heldAcks.push(ack);
      else ack();
    });
  }

  subscribe(filters: readonly string[], callback: (error: Error | null) => void): void {
    if (!this.connected) throw new Error('subscribe while disconnected');
    setImmediate(() => {
      if (!this.connected) return callback(new Error('connection closed'));
      for (const filter of filters) this.#filters.add(filter);
      callback(null);
      for (const filter of filters) {
        for (const [topic, payload] of this.#broker.retainedMatching(filter))
          this.#emit('message', topic, Buffer.from(payload), { retain: true });
      }
    });
  }

  unsubscribe(filters: readonly string[]): void {
    for (const filter of filters) this.#filters.delete(filter);
  }

  setReconnectPeriod(ms: number): void {
    this.#period = ms;
  }

  end(force: boolean, callback: () => void): void {
    const wasConnected = this.connected;
    this.ended = true;
    this.connected = false;
    clearTimeout(this.#timer);
    for (const message of this.#pending.splice(0)) message.callback(new Error('client ended'));
    this.#broker.clients.delete(this);
    const will = this.init.will;
    if (force && wasConnected && will !== undefined && this.#broker.up)
      this.#broker.route(undefined, will.topic, will.payload, true);
    setImmediate(callback);
  }
}
