// One MemoryNetwork per test with a device host and control point hosts, driven by vitest fake timers.
import { createMSearch, parseMessage, serializeMessage, type MSearchInit, type SsdpMessage } from '@ssdp/protocol';
import { createSystemClock } from '@ssdp/runtime';
import type { Datagram, SendTarget, SsdpTransport, TransportOptions } from '@ssdp/transport';
import {
  MemoryNetwork,
  createMemoryTransport,
  seededRandom,
  type MemoryHost,
  type MemoryInterfaceInit,
} from '@ssdp/transport/testing';
import { vi } from 'vitest';
import { createDeviceEngine, type DeviceEngine as Device, type DeviceEngineInit } from '../../src/device-engine.ts';
import type { DeviceEvent, DeviceEventName, EventInterest } from '../../src/events.ts';
import type { StateStore } from '../../src/state-store.ts';
import { createMemoryStateStore } from '../../src/testing/memory-state-store.ts';
import {
  createMemoryDescriptionServer,
  type MemoryDescriptionServer,
} from '../../src/testing/memory-description-server.ts';

export const SERVER = 'Linux/6.1 UPnP/2.0 ssdp-device/0.1.0';

export const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/**
 * The memory network delivers each datagram one clock tick after it is sent, so a control point sees an answer
 * up to 2 ms later than the device's delay (the search's trip and the answer's). Device-side delays are checked
 * exactly through the response-sent events.
 */
export const TRANSIT_MS = 2;

/** Every response-sent delay of the device is within [0, its window]; returns them. */
export function deviceDelays(lab: {
  eventsOf(name: 'response-sent'): { delayMs: number; windowMs: number }[];
}): number[] {
  const sent = lab.eventsOf('response-sent');
  for (const event of sent) {
    if (event.delayMs < 0 || event.delayMs > event.windowMs)
      throw new Error(`delay ${event.delayMs} ms outside [0, ${event.windowMs}]`);
  }
  return sent.map((e) => e.delayMs);
}

export interface Received {
  readonly at: number;
  readonly datagram: Datagram;
  readonly text: string;
  readonly message: SsdpMessage | undefined;
}

/** A control point: searches from an ephemeral port and hears NOTIFYs on the group. */
export class ControlPoint {
  readonly received: Received[] = [];
  constructor(
    readonly transport: SsdpTransport,
    readonly host: MemoryHost,
  ) {
    transport.onDatagram((datagram) => {
      const parsed = parseMessage(datagram.bytes);
      this.received.push({
        at: Date.now(),
        datagram,
        text: new TextDecoder().decode(datagram.bytes),
        message: parsed.ok ? parsed.message : undefined,
      });
    });
  }

  get interfaceId(): string {
    return this.transport.interfaces[0]!.id;
  }

  get address(): string {
    return this.transport.interfaces[0]!.address;
  }

  get port(): number {
    return this.transport.interfaces[0]!.unicastPort;
  }

  /** Sends a multicast M-SEARCH (or any bytes/target); returns the send time. */
  async search(init: Partial<MSearchInit> & { readonly target?: SendTarget } = {}): Promise<number> {
    const { target, ...rest } = init;
    const message = createMSearch({ st: 'ssdp:all', ...('mx' in rest ? {} : { mx: 3 }), ...rest } as MSearchInit);
    await this.transport.send(
      serializeMessage(message),
      target ?? { kind: 'multicast', interfaceId: this.interfaceId },
    );
    return Date.now();
  }

  async sendRaw(bytes: Uint8Array | string, target?: SendTarget): Promise<void> {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    await this.transport.send(data, target ?? { kind: 'multicast', interfaceId: this.interfaceId });
  }

  /** Search responses that arrived strictly after `since` (an answer always takes at least one tick). */
  responses(since = Number.NEGATIVE_INFINITY): Received[] {
    // Responses come by unicast; a response multicast by someone (even ourselves) is not an answer to us.
    return this.received.filter(
      (r) => r.at > since && r.datagram.via === 'unicast' && r.message?.kind === 'search-response',
    );
  }

  notifies(kind: 'notify-alive' | 'notify-byebye' | 'notify-update'): Received[] {
    return this.received.filter((r) => r.message?.kind === kind);
  }
}

export interface Lab {
  readonly network: MemoryNetwork;
  readonly deviceHost: MemoryHost;
  readonly transport: SsdpTransport;
  readonly http: MemoryDescriptionServer;
  readonly stateStore: StateStore;
  readonly device: Device;
  readonly events: DeviceEvent[];
  eventsOf<N extends DeviceEventName>(name: N): Extract<DeviceEvent, { event: N }>[];
  controlPoint(name: string, iface: MemoryInterfaceInit, options?: Partial<TransportOptions>): Promise<ControlPoint>;
  /** Starts the device and waits past the initial announcements. */
  start(settleMs?: number): Promise<void>;
}

export interface LabInit {
  readonly device?: Partial<DeviceEngineInit>;
  readonly deviceInterfaces?: readonly MemoryInterfaceInit[];
  /** --interface values for the device transport (default: every non-lo interface given). */
  readonly select?: readonly string[];
  readonly transport?: Partial<TransportOptions>;
  readonly stateStore?: StateStore;
  readonly seed?: number;
  readonly network?: MemoryNetwork;
  /** Wraps the device transport (e.g. to record calls). */
  readonly wrapTransport?: (transport: SsdpTransport) => SsdpTransport;
  /** What the event sink uses (default: every event). */
  readonly interest?: EventInterest;
}

export function createLab(init: LabInit = {}): Lab {
  const network = init.network ?? new MemoryNetwork({ seed: init.seed ?? 1 });
  const interfaces = init.deviceInterfaces ?? [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/24' }];
  const deviceHost = network.addHost('device', interfaces);
  const profile = init.device?.profile ?? 'upnp';
  const port = init.device?.port ?? (profile === 'legacy' ? 1337 : 1900);
  const raw = createMemoryTransport(
    {
      interfaces: init.select ?? interfaces.map((i) => i.name),
      port,
      ...(profile === 'legacy' ? { broadcast: true, joinGroup: false, families: ['IPv4'] as const } : {}),
      ...init.transport,
    },
    { network, host: deviceHost },
  );
  const transport = init.wrapTransport ? init.wrapTransport(raw) : raw;
  const http = createMemoryDescriptionServer();
  const stateStore = init.stateStore ?? createMemoryStateStore();
  const events: DeviceEvent[] = [];
  const device = createDeviceEngine(
    { server: SERVER, port, ...init.device },
    {
      transport,
      clock: createSystemClock(),
      random: seededRandom(init.seed ?? 42),
      stateStore,
      descriptionServer: http,
      onEvent: (event) => events.push(event),
      ...(init.interest === undefined ? {} : { interest: init.interest }),
    },
  );
  return {
    network,
    deviceHost,
    transport,
    http,
    stateStore,
    device,
    events,
    eventsOf: <N extends DeviceEventName>(name: N) =>
      events.filter((e) => e.event === name) as Extract<DeviceEvent, { event: N }>[],
    async controlPoint(name, iface, options = {}) {
      const host = network.addHost(name, [iface]);
      const cpTransport = createMemoryTransport(
        { interfaces: [iface.name], port, unicastPort: 0, ...options },
        { network, host },
      );
      await cpTransport.start();
      return new ControlPoint(cpTransport, host);
    },
    async start(settleMs = 2000) {
      await device.start();
      await advance(settleMs);
    },
  };
}

/** The text of a message's header (first occurrence), case-insensitive. */
export function header(received: Received, name: string): string | undefined {
  return received.message?.headers.find((h) => h.name.toUpperCase() === name.toUpperCase())?.value;
}
