// node:dgram plumbing of the UDP transport: opening a bound socket, closing one quietly, and Linux's IFF_MULTICAST.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { transportErrorFromErrno, type TransportError } from './errors.ts';
import type { AddressFamily } from './transport.ts';

export interface OpenUdpSocketInit {
  readonly family: AddressFamily;
  readonly address: string;
  readonly port: number;
  /** What is being done, for error messages: `bind 127.0.0.1:1900`. */
  readonly what: string;
  readonly onMessage: (bytes: Buffer, rinfo: dgram.RemoteInfo) => void;
  /** Socket errors after the bind, and whatever onMessage throws. */
  readonly onError: (error: TransportError | unknown) => void;
}

/** A socket with SO_REUSEADDR bound to address:port; rejects with a TransportError (and leaves nothing open). */
export async function openUdpSocket(init: OpenUdpSocketInit): Promise<dgram.Socket> {
  const { family, address, port, what, onMessage, onError } = init;
  let socket: dgram.Socket;
  try {
    socket = dgram.createSocket({ type: family === 'IPv6' ? 'udp6' : 'udp4', reuseAddr: true });
  } catch (error) {
    throw transportErrorFromErrno(error, what);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address, port }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    closeQuietly(socket);
    throw transportErrorFromErrno(error, what, { address, port });
  }
  socket.on('error', (error) => onError(transportErrorFromErrno(error, what)));
  socket.on('message', (bytes, rinfo) => {
    try {
      onMessage(bytes, rinfo);
    } catch (error) {
      onError(error);
    }
  });
  return socket;
}

export function closeQuietly(socket: { close(): void }): void {
  try {
    socket.close();
  } catch {
    // Already closed.
  }
}

const IFF_MULTICAST = 0x1000;

/** IPv4 multicast works on every interface we bind (lo included); IPv6 multicast needs IFF_MULTICAST. */
export function linuxMulticastCapable(name: string, family: AddressFamily): boolean {
  if (family === 'IPv4') return true;
  try {
    const flags = Number.parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'utf8').trim(), 16);
    return Number.isNaN(flags) ? true : (flags & IFF_MULTICAST) !== 0;
  } catch {
    return true; // Not Linux, or no sysfs: let the socket calls tell.
  }
}
