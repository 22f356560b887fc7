// What the controller reports. The factory never prints: output.ts turns these into human lines or NDJSON.
import type { SsdpErrorCode } from '@ssdp/protocol';

/** Why a device left the registry. */
export type RemovalReason = 'byebye' | 'expired' | 'evicted';

/** Why a description could not be fetched or used. Stable strings (JSON consumers switch on them). */
export type DescribeFailureReason =
  /** LOCATION is not an absolute http:// URL (https, relative, "null", ...). */
  | 'bad-location'
  /** LOCATION names another host than the datagram's sender (see --allow-foreign-location). */
  | 'foreign-host'
  /** The whole exchange (connect, headers, body, redirects) took longer than the deadline. */
  | 'timeout'
  /** The body went past the size limit (counted while streaming; Content-Length is not trusted). */
  | 'too-large'
  /** A redirect pointed to another host or scheme. */
  | 'redirect-off-host'
  | 'too-many-redirects'
  /** A status other than 200 (after same-host redirects). */
  | 'http-status'
  /** Connection refused/reset, DNS, ... */
  | 'network'
  /** The body is not an acceptable description (see `code`: SSDP_ERR_XML_*, SSDP_ERR_DESCRIPTION_INVALID). */
  | 'invalid-description'
  /** The description's UDN (and its embedded devices) does not include the advertised UUID. */
  | 'udn-mismatch'
  /** Too many descriptions waiting; the next advertisement retries. */
  | 'queue-full'
  /**
   * The description queue was full and this device's sender address held the largest share of it: its newest
   * job made room for another sender's. The next advertisement retries.
   */
  | 'sender-limit';

/** Why the control point dropped a datagram, a device or a description request (stats.dropped, `dropped`). */
export type DropReason =
  /** The datagram does not parse, or its USN is invalid: the protocol's error code. */
  | SsdpErrorCode
  /** An advertisement without a USN (outside the legacy dialect). */
  | 'missing-usn'
  /** Its BOOTID is older than the device's: a datagram from before a reboot. */
  | 'stale-bootid'
  /** The device already has the most USNs a record keeps; the new one is not stored. */
  | 'usn-limit'
  /** Read while our own receive queue was full (see receive-loop.ts). */
  | 'receive-queue-full'
  /** A device the registry bound evicted before it was announced (no device-removed: nobody heard of it). */
  | 'evicted-unannounced'
  /** The description queue was full and this sender holds the most of it; retried on a later advertisement. */
  | 'describe-queue-full'
  /** A waiting description request shed to make room for another sender's. */
  | 'describe-sender-limit';

export type DescribeState = 'pending' | 'described' | 'failed' | 'skipped';

/**
 * A device's fields, written once for both forms: the engine's snapshot (`DeviceSnapshot`: absent values
 * `undefined`, times in epoch milliseconds) and the public, JSON-ready `DiscoveredDevice` (`null`, ISO 8601).
 */
export interface DeviceFields<Absent, Time> {
  /** `uuid:…` (legacy devices without a valid USN: `<USN>@<address>`). */
  readonly udn: string;
  /** Source address of the latest datagram (IPv6 link-local with `%zone`). */
  readonly address: string;
  /** The arrival interface of the latest datagram (`lo/IPv4`). */
  readonly interfaceId: string;
  /** The first LOCATION seen. */
  readonly location: string | Absent;
  /** Every LOCATION seen (one device on two interfaces or ports has two). */
  readonly locations: readonly string[];
  readonly server: string | Absent;
  /** Every USN seen for this device: root, device type, services and embedded devices. */
  readonly usns: readonly string[];
  /** The root device type: from the description once described, else from its device-type USN. */
  readonly deviceType: string | Absent;
  readonly friendlyName: string | Absent;
  readonly manufacturer: string | Absent;
  readonly modelName: string | Absent;
  readonly bootId: number | Absent;
  readonly configId: number | Absent;
  readonly firstSeen: Time;
  readonly lastSeen: Time;
  readonly expiresAt: Time;
  /** pending | described | failed | skipped (describe off). */
  readonly describe: DescribeState;
  readonly describeError: DescribeFailureReason | Absent;
}

/** A device as reported in events and by `controller.devices()`. Times are epoch milliseconds. */
export type DeviceSnapshot = DeviceFields<undefined, number>;

export type ControllerEvent =
  | {
      readonly event: 'search-sent';
      readonly time: number;
      readonly interfaceId: string;
      readonly target: string;
      readonly mx: number;
      /** 1 or 2: each cycle sends the search twice. */
      readonly attempt: number;
      readonly cycle: number;
    }
  | { readonly event: 'device-added'; readonly time: number; readonly device: DeviceSnapshot }
  | {
      readonly event: 'device-updated';
      readonly time: number;
      readonly device: DeviceSnapshot;
      /** What changed: location, server, usns, bootId, configId, nextBootId, description. */
      readonly changes: readonly string[];
    }
  | {
      readonly event: 'device-rebooted';
      readonly time: number;
      readonly device: DeviceSnapshot;
      readonly previousBootId: number;
    }
  | {
      readonly event: 'device-removed';
      readonly time: number;
      readonly device: DeviceSnapshot;
      readonly reason: RemovalReason;
    }
  | { readonly event: 'device-found'; readonly time: number; readonly device: DeviceSnapshot }
  | {
      readonly event: 'describe-failed';
      readonly time: number;
      readonly device: DeviceSnapshot;
      readonly reason: DescribeFailureReason;
      /** The protocol error code for invalid-description. */
      readonly code: string | undefined;
      readonly detail: string;
    }
  | {
      readonly event: 'dropped';
      readonly time: number;
      readonly reason: DropReason;
      /**
       * How many drops of this reason the event stands for: 1 for the first of a reason, reported at once with
       * its sender; the drops of the next second are summed into one event (at most one per reason per second).
       */
      readonly count: number;
      /** The sender; on a summed event only when every drop it stands for came from that one address. */
      readonly address?: string;
      /** The sender's port and the arrival interface; only on the first, unsummed event. */
      readonly port?: number;
      readonly interfaceId?: string;
    }
  | {
      /** Only with `verbose`: every datagram as received (the prototype printed them). */
      readonly event: 'message-received';
      readonly time: number;
      readonly address: string;
      readonly port: number;
      readonly interfaceId: string;
      readonly via: string;
      readonly kind: string;
      readonly server: string | undefined;
      readonly text: string;
    };

/** Counters of what the controller saw; cheap to keep, printed with --verbose on exit. */
export interface ControllerStats {
  datagrams: number;
  searchesSent: number;
  sendErrors: number;
  /** Datagrams ignored on purpose: other controllers' M-SEARCH (and our own, looped back). */
  ignored: number;
  /** Byebye/update for devices we do not know. */
  unknown: number;
  /** By reason, only the reasons that occurred. */
  dropped: Partial<Record<DropReason, number>>;
  /** Announced devices evicted by the registry bound (each a device-removed `evicted`). */
  evicted: number;
  describeStarted: number;
  describeFailed: number;
  /** Datagrams recognised as byte-for-byte repeats of an advertisement already applied (only lastSeen moved). */
  repeats: number;
  /** The most datagrams that waited in our receive queue at once (drops beyond its bound: receive-queue-full). */
  receiveQueuePeak: number;
  /**
   * Datagrams the kernel dropped for our sockets since start because their receive buffer was full: answers that
   * never reached us. Undefined where it cannot be counted (not Linux, or a transport that does not say).
   */
  kernelDrops: number | undefined;
  /** The receive buffer asked for and what the kernel granted; undefined before start or when the transport does not say. */
  receiveBuffer: ReceiveBufferStats | undefined;
}

/** What the kernel granted our receiving sockets (the transport's receiveBuffer(), without the per-socket list). */
export interface ReceiveBufferStats {
  /** Bytes asked for (recvBufferSize). */
  readonly requested: number;
  /** The smallest size granted over our sockets, bytes (Linux grants twice the request); undefined if unknown. */
  readonly granted: number | undefined;
  /** True when net.core.rmem_max (or the OS) capped a socket below the request. */
  readonly clamped: boolean;
  /** When clamped: one line naming the sysctl that raises the cap. */
  readonly hint?: string;
}
