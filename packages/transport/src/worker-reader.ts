// The main thread's side of the reader thread (reader-worker-source.ts): opens unicast sockets there, sends through
// them, and hands what they read to each socket's `onRecord`, when ring-taker.ts says.
import { Worker } from 'node:worker_threads';
import type { Clock } from '@ssdp/runtime';
import { READER_WORKER_SOURCE } from './reader-worker-source.ts';
import { createRingTaker, type RingTaker } from './ring-taker.ts';
import { createRingBuffers, createRingReader, type RingReader, type RingRecord } from './worker-ring.ts';

export interface ErrorInfo {
  readonly message: string;
  readonly code?: string;
  readonly errno?: number;
  readonly syscall?: string;
}

export interface WorkerSocketInit {
  readonly family: 'IPv4' | 'IPv6';
  readonly address: string;
  readonly port: number;
  readonly recvBuffer: number;
  readonly multicast: { readonly iface: string; readonly ttl: number; readonly loopback: boolean };
  /** Called with each datagram this socket read. */
  readonly onRecord: (record: RingRecord) => void;
  /** A socket error after the bind. */
  readonly onError: (error: Error & ErrorInfo) => void;
}

/** A unicast socket that lives on the reader thread; the send() and close() of a dgram.Socket, as far as we use them. */
export interface WorkerSocket {
  readonly port: number;
  /** SO_RCVBUF granted, as getRecvBufferSize() read it there. */
  readonly granted: number | undefined;
  readonly fd: number | undefined;
  send(bytes: Uint8Array, port: number, address: string, callback: (error: Error | null) => void): void;
  close(): void;
}

export class WorkerOpenError extends Error {
  constructor(
    readonly stage: 'bind' | 'configure',
    readonly info: ErrorInfo,
  ) {
    super(info.message);
    Object.assign(this, { code: info.code, errno: info.errno, syscall: info.syscall });
  }
}

export interface WorkerReaderOptions {
  readonly clock: Clock;
  /** Ring size, bytes. */
  readonly ringBytes: number;
  /** See ring-taker.ts. */
  readonly quietMs?: number;
  readonly maxHoldMs?: number;
  /** The reader thread failed (it is restarted by the next open). */
  readonly onFailure: (error: Error) => void;
  /** More datagrams found the ring full since the last call; `total` since the start. */
  readonly onRingFull?: (total: number) => void;
}

export interface WorkerReader {
  /** Rejects WorkerOpenError (the bind or the configuration failed) or WorkerUnavailableError. */
  open(init: WorkerSocketInit): Promise<WorkerSocket>;
  /** Datagrams dropped because the ring was full. */
  readonly ringDrops: number;
  /** Closes every socket and ends the thread; the next open starts a new one (a start that failed). */
  reset(): void;
  /** Closes every socket and ends the thread for good: open rejects from then on (stop). Resolves once it ended. */
  close(): Promise<void>;
}

/** No reader thread: the reader was closed (`stopped`), or Node refused to start a worker (`no-worker`). */
export class WorkerUnavailableError extends Error {
  constructor(
    readonly reason: 'stopped' | 'no-worker',
    options?: { cause: unknown },
  ) {
    super(reason === 'stopped' ? 'the transport was stopped' : 'cannot start a worker thread', options);
  }
}

type Reply =
  | { op: 'opened'; slot: number; port: number; granted?: number; fd?: number }
  | { op: 'failed'; slot: number; stage: 'bind' | 'configure'; error: ErrorInfo }
  | { op: 'error'; slot: number; error: ErrorInfo }
  | { op: 'sent'; id: number; error?: ErrorInfo };

const errorOf = (info: ErrorInfo): Error & ErrorInfo => Object.assign(new Error(info.message), info);

interface Session {
  readonly thread: Worker;
  readonly ring: RingReader;
  readonly taker: RingTaker;
}

export function createWorkerReader(options: WorkerReaderOptions): WorkerReader {
  const sockets = new Map<number, WorkerSocketInit>();
  const opening = new Map<number, { resolve: (reply: Reply) => void }>();
  const sends = new Map<number, (error: Error | null) => void>();
  let session: Session | undefined;
  /** Ring drops of the threads ended so far. */
  let retiredDrops = 0;
  let nextSlot = 0;
  let nextSend = 0;
  let closed = false;

  function deliver(record: RingRecord): void {
    try {
      sockets.get(record.slot)?.onRecord(record);
    } catch (error) {
      options.onFailure(error instanceof Error ? error : new Error(String(error)));
    }
  }

  function onReply(reply: Reply): void {
    if (reply.op === 'sent') {
      const callback = sends.get(reply.id);
      sends.delete(reply.id);
      callback?.(reply.error === undefined ? null : errorOf(reply.error));
    } else if (reply.op === 'error') sockets.get(reply.slot)?.onError(errorOf(reply.error));
    else opening.get(reply.slot)?.resolve(reply);
  }

  /** Ends the current thread: what its ring holds is delivered, whatever waits on it fails. */
  function end(reason: string): Promise<void> {
    const ending = session;
    if (ending === undefined) return Promise.resolve();
    session = undefined;
    ending.taker.close();
    retiredDrops += ending.ring.full();
    const gone = { op: 'failed', stage: 'bind', error: { message: reason } } as const;
    for (const [slot, { resolve }] of opening) resolve({ ...gone, slot });
    for (const callback of sends.values()) callback(new Error(reason));
    sends.clear();
    sockets.clear();
    return ending.thread.terminate().then(
      () => undefined,
      () => undefined,
    );
  }

  /** A thread with its own ring (a new one each time, so an ending thread can never write into the next one's). */
  function start(): Session {
    const buffers = createRingBuffers(options.ringBytes);
    const ring = createRingReader(buffers.ring, buffers.control);
    const thread = new Worker(READER_WORKER_SOURCE, { eval: true, workerData: buffers, execArgv: [] });
    const taker = createRingTaker(ring, new Int32Array(buffers.control), {
      clock: options.clock,
      deliver,
      ...(options.quietMs === undefined ? {} : { quietMs: options.quietMs }),
      ...(options.maxHoldMs === undefined ? {} : { maxHoldMs: options.maxHoldMs }),
      onRingFull: (total) => options.onRingFull?.(retiredDrops + total),
    });
    const started: Session = { thread, ring, taker };
    thread.on('message', onReply);
    thread.on('error', (error) => {
      if (session === started) options.onFailure(error);
    });
    thread.on('exit', (code) => {
      if (session !== started) return;
      void end('the reader thread ended');
      options.onFailure(new Error(`the reader thread ended on its own (exit code ${code})`));
    });
    return started;
  }

  return {
    async open(init) {
      if (closed) throw new WorkerUnavailableError('stopped');
      try {
        session ??= start();
      } catch (error) {
        throw new WorkerUnavailableError('no-worker', { cause: error });
      }
      const { thread } = session;
      const live = session;
      const slot = nextSlot;
      nextSlot = (nextSlot + 1) % 0x10000;
      const { onRecord: _r, onError: _e, ...request } = init;
      const reply = await new Promise<Reply>((resolve) => {
        opening.set(slot, { resolve });
        thread.postMessage({ op: 'open', slot, ...request });
      });
      opening.delete(slot);
      if (reply.op === 'failed') throw new WorkerOpenError(reply.stage, reply.error);
      if (reply.op !== 'opened') throw new Error('the reader thread answered out of turn');
      if (session !== live) throw new WorkerUnavailableError(closed ? 'stopped' : 'no-worker');
      sockets.set(slot, init);
      return {
        port: reply.port,
        granted: reply.granted,
        fd: reply.fd,
        send(bytes, port, address, callback) {
          if (session !== live) return callback(new Error('the reader thread ended'));
          const id = nextSend++;
          sends.set(id, callback);
          // postMessage copies the whole buffer behind a view: send only the view's bytes.
          const own = bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
          thread.postMessage({ op: 'send', slot, id, bytes: own, port, address });
        },
        close() {
          if (session !== live || !sockets.delete(slot)) return;
          thread.postMessage({ op: 'close', slot });
          if (sockets.size === 0 && opening.size === 0) void end('no socket left'); // the thread has nothing to read
        },
      };
    },
    get ringDrops() {
      return retiredDrops + (session?.ring.full() ?? 0);
    },
    reset() {
      void end('transport reset');
    },
    close() {
      closed = true;
      return end('transport closed');
    },
  };
}
