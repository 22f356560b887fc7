// What the broker should hold for one site, kept as the latest state per device (never a queue of events), and
// the pump that gets it there: a set of dirty UDNs drained at most `maxInFlight` QoS 1 publishes at a time.
// Memory is bounded by the registry plus the UDNs the broker may still hold from us.
import type { DiscoveredDevice } from '@ssdp/control-point';
import { deviceTopic } from './topics.ts';

export interface PublisherInit {
  readonly topicPrefix: string;
  readonly site: string;
  /** Unacknowledged publishes at once. */
  readonly maxInFlight: number;
  /** Most retained entries of an earlier run remembered for clearing (more are left alone). */
  readonly maxOrphans: number;
}

/** Publishes retained at QoS 1; `done` runs on PUBACK or when the message is abandoned. */
export type RetainedPublish = (topic: string, payload: string, done: () => void) => void;

export interface PublisherStats {
  /** Devices in the registry. */
  readonly devices: number;
  /** UDNs whose retained message the broker may hold from us (published and not yet cleared). */
  readonly retained: number;
  /** Devices whose latest state is not yet handed to the broker (all of them while disconnected). */
  readonly pending: number;
  readonly inFlight: number;
}

export class RegistryPublisher {
  readonly #init: PublisherInit;
  readonly #publish: RetainedPublish;
  readonly #current = new Map<string, DiscoveredDevice>();
  /** UDNs with a non-empty retained message of ours on the broker (as far as we know). */
  readonly #retained = new Set<string>();
  readonly #dirty = new Set<string>();
  /** Retained entries found on the broker that this run never published (an earlier run's). */
  readonly #orphans = new Set<string>();
  #inFlight = 0;
  #connected = false;

  constructor(init: PublisherInit, publish: RetainedPublish) {
    this.#init = init;
    this.#publish = publish;
  }

  /** A device appeared or changed: its latest state replaces whatever was waiting. */
  upsert(device: DiscoveredDevice): void {
    this.#current.set(device.udn, device);
    this.#touch(device.udn);
  }

  remove(udn: string): void {
    if (!this.#current.delete(udn)) return;
    this.#touch(udn);
  }

  /** (Re)connected: the broker may have lost or kept anything, so every device and every retained UDN is sent. */
  connected(): void {
    this.#connected = true;
    for (const udn of this.#current.keys()) this.#dirty.add(udn);
    for (const udn of this.#retained) this.#dirty.add(udn);
    this.#pump();
  }

  disconnected(): void {
    this.#connected = false;
    // Nothing to remember per event: connected() marks everything again.
    this.#dirty.clear();
  }

  /** A retained message of this site seen on the broker at subscribe time. */
  noteRetained(udn: string): void {
    if (this.#current.has(udn) || this.#retained.has(udn) || this.#orphans.size >= this.#init.maxOrphans) return;
    this.#orphans.add(udn);
  }

  /** Clears the orphans that did not show up in the registry meanwhile. */
  clearOrphans(): void {
    for (const udn of this.#orphans) {
      if (this.#current.has(udn)) continue;
      this.#retained.add(udn);
      this.#touch(udn);
    }
    this.#orphans.clear();
  }

  stats(): PublisherStats {
    return {
      devices: this.#current.size,
      retained: this.#retained.size,
      pending: this.#connected ? this.#dirty.size : this.#current.size,
      inFlight: this.#inFlight,
    };
  }

  /** The UDNs of the broker's retained entries from us, as far as we know (for tests and checks). */
  retainedUdns(): string[] {
    return [...this.#retained];
  }

  #touch(udn: string): void {
    if (!this.#connected) return;
    this.#dirty.add(udn);
    this.#pump();
  }

  #pump(): void {
    while (this.#connected && this.#inFlight < this.#init.maxInFlight && this.#dirty.size > 0) {
      const udn = this.#dirty.values().next().value as string;
      this.#dirty.delete(udn);
      const device = this.#current.get(udn);
      let payload: string;
      if (device !== undefined) {
        payload = JSON.stringify({ ...device, site: this.#init.site });
        this.#retained.add(udn);
      } else if (this.#retained.delete(udn)) {
        payload = ''; // an empty retained message deletes the retained entry
      } else {
        continue;
      }
      this.#inFlight += 1;
      this.#publish(deviceTopic(this.#init.topicPrefix, this.#init.site, udn), payload, () => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }
}
