// The JSON lines spoken between a remote transport (in the test process) and its peer (inside a namespace).
import type { Datagram, InterfacesChange, SendTarget, TransportInterface, TransportOptions } from '@ssdp/transport';

export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly errno?: string;
}

export type PeerRequest =
  | { readonly id: number; readonly op: 'create'; readonly transport: number; readonly init: TransportOptions }
  | { readonly id: number; readonly op: 'start'; readonly transport: number }
  | { readonly id: number; readonly op: 'stop'; readonly transport: number }
  | {
      readonly id: number;
      readonly op: 'send';
      readonly transport: number;
      readonly bytes: string;
      readonly target: SendTarget;
    }
  | { readonly id: number; readonly op: 'occupy'; readonly address: string; readonly port: number }
  | { readonly id: number; readonly op: 'release'; readonly address: string; readonly port: number };

export type PeerMessage =
  | { readonly event: 'ready'; readonly pid: number }
  | { readonly reply: number; readonly ok: true; readonly interfaces?: readonly TransportInterface[] }
  | { readonly reply: number; readonly ok: false; readonly error: WireError }
  | {
      readonly event: 'datagram';
      readonly transport: number;
      readonly bytes: string;
      readonly remote: Datagram['remote'];
      readonly interfaceId: string;
      readonly via: Datagram['via'];
    }
  | {
      readonly event: 'interfaces';
      readonly transport: number;
      readonly change: InterfacesChange;
      readonly interfaces: readonly TransportInterface[];
    }
  | { readonly event: 'error'; readonly transport: number; readonly error: WireError };
