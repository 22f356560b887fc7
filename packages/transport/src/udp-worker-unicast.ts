// An interface's unicast socket opened on the reader thread (worker-reader.ts) instead of the event loop: bound,
// configured for multicast sending and counted like the others; what it reads arrives as `unicast` datagrams.
import type { Clock } from '@ssdp/runtime';
import { TransportError, transportErrorFromErrno } from './errors.ts';
import { fdInode } from './kernel-drops.ts';
import type { ReceiveSockets } from './receive-sockets.ts';
import type { InterfaceAddress } from './select-interfaces.ts';
import type { Datagram } from './transport.ts';
import { multicastInterfaceOf } from './udp-targets.ts';
import {
  createWorkerReader,
  WorkerOpenError,
  WorkerUnavailableError,
  type WorkerReader,
  type WorkerSocket,
} from './worker-reader.ts';

export interface WorkerUnicastInit {
  readonly reader: WorkerReader;
  readonly receiveSockets: ReceiveSockets;
  readonly report: (error: unknown) => void;
  readonly deliver: (datagram: Datagram) => void;
  readonly ttl: number;
  readonly loopback: boolean;
}

export const DEFAULT_READER_RING_BYTES = 32 * 1024 * 1024;
const RING_MIN = 64 * 1024;
const RING_MAX = 512 * 1024 * 1024;

/** `readerRingBytes`, checked whether or not `readInWorker` is on. */
export function checkReaderRingBytes(ringBytes: number | undefined): number {
  const bytes = ringBytes ?? DEFAULT_READER_RING_BYTES;
  if (!Number.isInteger(bytes) || bytes < RING_MIN || bytes > RING_MAX) {
    throw new TransportError(
      'SSDP_ERR_INVALID_OPTION',
      `readerRingBytes must be an integer from ${RING_MIN} to ${RING_MAX} bytes, got ${String(ringBytes)}`,
      { hint: `the default is ${DEFAULT_READER_RING_BYTES} bytes (32 MiB)` },
    );
  }
  return bytes;
}

/** The transport's reader thread (`readInWorker`); its failures and ring overflows go to `report`. */
export function createReaderThread(ringBytes: number, clock: Clock, report: (error: unknown) => void): WorkerReader {
  return createWorkerReader({
    clock,
    ringBytes,
    onFailure: (error) =>
      report(new TransportError('SSDP_ERR_SOCKET', `reader thread: ${error.message}`, { cause: error })),
    onRingFull: (total) =>
      report(
        new TransportError('SSDP_ERR_SOCKET', `the reader thread's ring was full: ${total} datagrams dropped so far`, {
          hint: 'raise readerRingBytes',
        }),
      ),
  });
}

export async function openWorkerUnicast(
  init: WorkerUnicastInit,
  address: InterfaceAddress,
  bindAddress: string,
  bindPort: number,
): Promise<WorkerSocket> {
  const shown = address.family === 'IPv6' ? `[${bindAddress}]` : bindAddress;
  const iface = { ...address, unicastPort: bindPort };
  let socket: WorkerSocket;
  try {
    socket = await init.reader.open({
      family: address.family,
      address: bindAddress,
      port: bindPort,
      recvBuffer: init.receiveSockets.requested,
      multicast: { iface: multicastInterfaceOf(iface), ttl: init.ttl, loopback: init.loopback },
      onRecord: (record) =>
        init.deliver({
          bytes: record.bytes,
          remote: { address: record.address, port: record.port, family: record.family },
          interfaceId: address.id,
          via: 'unicast',
        }),
      onError: (error) => init.report(transportErrorFromErrno(error, `bind ${shown}:${bindPort}`)),
    });
  } catch (error) {
    if (error instanceof WorkerUnavailableError) {
      if (error.reason === 'stopped') throw new TransportError('SSDP_ERR_TRANSPORT_STOPPED', error.message);
      throw error; // the binder falls back to the event loop
    }
    if (error instanceof WorkerOpenError && error.stage === 'configure') {
      const what = `configure multicast on ${address.name} (${address.address})`;
      throw transportErrorFromErrno(error, what, { interfaceId: address.id });
    }
    throw transportErrorFromErrno(error, `bind ${shown}:${bindPort}`, { address: bindAddress, port: bindPort });
  }
  const label = `unicast ${shown}:${socket.port}`;
  init.receiveSockets.addReported(socket, label, address.id, socket.granted, fdInode(socket.fd));
  return socket;
}
