// Asks a running minissdpd over its unix socket (a file, so no network is involved) and reads one answer.
import { connect } from 'node:net';
import { encodeRequest, parseListResponse, type MinissdpdEntry } from './minissdpd-protocol.ts';

export function queryMinissdpd(
  socketPath: string,
  type: 1 | 2 | 3,
  text = '',
  timeoutMs = 3000,
): Promise<MinissdpdEntry[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let received = new Uint8Array(0);
    const finish = (error: Error | undefined, entries?: MinissdpdEntry[]) => {
      clearTimeout(timer);
      socket.destroy();
      if (error === undefined) resolve(entries!);
      else reject(error);
    };
    const timer = setTimeout(
      () => finish(new Error(`minissdpd at ${socketPath} gave no complete answer in ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('connect', () => socket.write(encodeRequest(type, text)));
    socket.on('data', (chunk: Buffer) => {
      const next = new Uint8Array(received.length + chunk.length);
      next.set(received);
      next.set(chunk, received.length);
      received = next;
      try {
        const entries = parseListResponse(received);
        if (entries !== undefined) finish(undefined, entries);
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.once('error', (error) => finish(new Error(`minissdpd at ${socketPath}: ${error.message}`)));
    socket.once('close', () =>
      finish(new Error(`minissdpd at ${socketPath} closed the connection before a complete answer`)),
    );
  });
}
