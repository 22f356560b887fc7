// The JSON the server sends the page (the page's script imports this file too: types, and one pure helper).
// Device-supplied strings travel as JSON strings and the page only ever puts them in textContent.
import type { DiscoveredDevice } from '@ssdp/control-point';

/**
 * A device as the table gets it: the DiscoveredDevice without its USN and LOCATION lists (most of its size), with
 * their counts. The details (GET /api/device) carry the whole device.
 */
export type WireDevice = Omit<DiscoveredDevice, 'usns' | 'locations'> & {
  readonly usnCount: number;
  readonly locationCount: number;
};

/** One line of the traffic pane. */
export interface TrafficEntry {
  /** Increasing per server; the page uses it as a key. */
  readonly seq: number;
  /** ISO 8601. */
  readonly time: string;
  /** search-sent, notify-alive, notify-byebye, notify-update, search-response, m-search, dropped, device-added ... */
  readonly kind: string;
  /** The sender, or the interface a search went out on. */
  readonly address: string | null;
  /** The device concerned, when there is one (it may have left since). */
  readonly udn: string | null;
  /** One line of detail (ST, NT, USN, reason, count ...). */
  readonly text: string;
}

export interface WireCounters {
  /** The control point's own counters (datagrams, searches, drops by reason, descriptions). */
  readonly controlPoint: Readonly<Record<string, number | Readonly<Record<string, number>>>>;
  /** Datagrams by kind, from message-received (only with rawMessages). */
  readonly messages: Readonly<Record<string, number>>;
  /** Registry events by name. */
  readonly events: Readonly<Record<string, number>>;
  /** Connections the web view's HTTP guard closed, by reason. */
  readonly http: Readonly<Record<string, number>>;
  readonly devices: number;
  readonly viewers: number;
  /** Whether message-received events arrive (the control point's rawMessages option). */
  readonly rawMessages: boolean;
}

export interface SnapshotMessage {
  readonly type: 'snapshot';
  /** The server's clock (epoch ms) when this was sent: the page corrects its countdowns by it. */
  readonly serverTime: number;
  /** The field names of each row of `devices`. */
  readonly columns: readonly (keyof WireDevice)[];
  /** One array of values per device, in the order of `columns`: a third less JSON than objects at 10,000. */
  readonly devices: readonly (readonly unknown[])[];
  readonly traffic: readonly TrafficEntry[];
  readonly counters: WireCounters;
}

export interface DeltaMessage {
  readonly type: 'delta';
  readonly serverTime: number;
  /** New or changed devices, whole. */
  readonly upserts: readonly WireDevice[];
  readonly removals: readonly { readonly udn: string; readonly reason: string }[];
  readonly traffic: readonly TrafficEntry[];
  /** Traffic lines of this interval not sent (only the latest are). */
  readonly trafficSkipped: number;
  readonly counters: WireCounters;
}

export interface WireService {
  readonly serviceType: string;
  readonly serviceId: string;
  /** Absolute when they could be resolved against the description's base, else as written. */
  readonly scpdURL: string;
  readonly controlURL: string;
  readonly eventSubURL: string;
}

export interface WireDescribedDevice {
  readonly udn: string;
  readonly deviceType: string;
  readonly friendlyName: string;
  readonly manufacturer: string;
  readonly modelName: string;
  readonly modelNumber: string | null;
  readonly serialNumber: string | null;
  readonly presentationURL: string | null;
  readonly icons: number;
  readonly services: readonly WireService[];
  readonly devices: readonly WireDescribedDevice[];
}

export interface RawMessage {
  readonly time: string;
  readonly address: string;
  readonly port: number;
  readonly kind: string;
  /** The datagram as text, cut at RAW_TEXT_LIMIT characters. */
  readonly text: string;
}

/** The devices of a snapshot as objects. */
export function snapshotDevices(message: SnapshotMessage): WireDevice[] {
  return message.devices.map((values) => {
    const device: Record<string, unknown> = {};
    message.columns.forEach((name, index) => (device[name] = values[index]));
    return device as WireDevice;
  });
}

/** GET /api/device?udn=… */
export interface DeviceDetails {
  readonly device: DiscoveredDevice;
  readonly description: {
    readonly url: string;
    readonly specVersion: string;
    readonly urlBase: string | null;
    readonly device: WireDescribedDevice;
  } | null;
  readonly descriptionError: { readonly reason: string; readonly detail: string } | null;
  /** True when /api/icon?udn=… has the device's icon (fetched and checked by the server). */
  readonly icon: boolean;
  readonly raw: readonly RawMessage[];
  readonly rawMessages: boolean;
}
