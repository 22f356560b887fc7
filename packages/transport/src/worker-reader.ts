// The main thread's side of the reader thread (reader-worker-source.ts): opens unicast sockets there, sends through
// them, and hands what they read to `deliver`. The main thread stays off the CPU while a burst is on: it takes the
// ring's datagrams once none came for `quietMs`, or once the ring is half full, or once the oldest has waited
// `maxHoldMs`, so the reader thread and the senders keep the cores while the burst lasts (what the main thread does
// with the datagrams, parsing and the registry, would otherwise take a core from them on a small machine).
import { Worker } from 'node:worker_threads';
import { READER_WORKER_SOURCE } from './reader-worker-source.ts';
import { createRingBuffers, createRingReader, RING_SEQ, type RingReader, type RingRecord } from './worker-ring.ts';

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
  /** Ring size, bytes. */
  readonly ringBytes: number;
  /** The ring is taken once no datagram came for this long, ms. Default 4. */
  readonly quietMs?: number;
  /** Longest a datagram waits in the ring, ms. Default 500. */
  readonly maxHoldMs?: number;
  /** The reader thread failed (it is restarted by the next open). */
  readonly onFailure: (error: Error) => void;
  /** More datagrams found the ring full since the last call; `total` since the start. */
  readonly onRingFull?: (total: number) => void;
}

export interface WorkerReader {
  open(init: WorkerSocketInit): Promise<WorkerSocket>;
  /** Datagrams dropped because the ring was full. */
  readonly ringDrops: number;
  /** Closes every socket and ends the thread. */
  close(): void;
}

type Reply =
  | { op: 'opened'; slot: number; port: number; granted?: number; fd?: number }
  | { op: 'failed'; slot: number; stage: 'bind' | 'configure'; error: ErrorInfo }
  | { op: 'error'; slot: number; error: ErrorInfo }
  | { op: 'sent'; id: number; error?: ErrorInfo };

/** Atomics.waitAsync (Node ≥ 16; not in this project's TypeScript lib yet). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<unknown> | unknown };
  }
).waitAsync;

const errorOf = (info: ErrorInfo): Error & ErrorInfo => Object.assign(new Error(info.message), info);

export function createWorkerReader(options: WorkerReaderOptions): WorkerReader {
  const quietMs = options.quietMs ?? 4;
  const maxHoldMs = options.maxHoldMs ?? 500;
  const buffers = createRingBuffers(options.ringBytes);
  const ring: RingReader = createRingReader(buffers.ring, buffers.control);
  const control = new Int32Array(buffers.control);
  const sockets = new Map<number, WorkerSocketInit>();
  const opening = new Map<number, { resolve: (reply: Reply) => void }>();
  const sends = new Map<number, (error: Error | null) => void>();
  let worker: Worker | undefined;
  let nextSlot = 0;
  let nextSend = 0;
  let closed = false;
  let waiting = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSeq = -1;
  /** When the oldest waiting datagram was seen, and when the last new one was. */
  let since = 0;
  let changedAt = 0;
  let ringDrops = 0;

  function take(): void {
    ring.drain(deliver);
    const full = ring.full();
    if (full !== ringDrops) {
      ringDrops = full;
      options.onRingFull?.(full);
    }
  }

  function deliver(record: RingRecord): void {
    sockets.get(record.slot)?.onRecord(record);
  }

  /** A tick (every ms while datagrams wait): take them once the burst paused, the ring is half full or they waited. */
  function tick(): void {
    timer = undefined;
    if (closed) return;
    const seq = ring.seq();
    if (ring.pending() === 0) return watch();
    const now = performance.now();
    if (lastSeq === -1) since = now;
    if (seq !== lastSeq) changedAt = now;
    if (now - changedAt >= quietMs || ring.pending() * 2 > ring.capacity || now - since >= maxHoldMs) {
      take();
      lastSeq = -1;
      return tick();
    }
    lastSeq = seq;
    timer = setTimeout(tick, 1);
  }

  /** Sleeps until the reader thread writes. */
  function watch(): void {
    if (waiting || closed) return;
    const seq = ring.seq();
    if (ring.pending() > 0) return tick();
    const wait = waitAsync(control, RING_SEQ, seq);
    if (!wait.async) return tick();
    waiting = true;
    void (wait.value as Promise<unknown>).then(() => {
      waiting = false;
      tick();
    });
  }

  function onReply(reply: Reply): void {
    if (reply.op === 'sent') {
      const callback = sends.get(reply.id);
      sends.delete(reply.id);
      callback?.(reply.error === undefined ? null : errorOf(reply.error));
    } else if (reply.op === 'error') sockets.get(reply.slot)?.onError(errorOf(reply.error));
    else opening.get(reply.slot)?.resolve(reply);
  }

  function start(): Worker {
    const thread = new Worker(READER_WORKER_SOURCE, { eval: true, workerData: buffers, execArgv: [] });
    thread.on('message', onReply);
    thread.on('error', (error) => {
      if (worker === thread) worker = undefined;
      options.onFailure(error);
    });
    thread.on('exit', () => {
      if (worker === thread) worker = undefined;
      const gone = { op: 'failed', stage: 'bind', error: { message: 'the reader thread ended' } } as const;
      for (const [slot, { resolve }] of opening) resolve({ ...gone, slot });
    });
    watch();
    return thread;
  }

  return {
    async open(init) {
      worker ??= start();
      const thread = worker;
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
      sockets.set(slot, init);
      return {
        port: reply.port,
        granted: reply.granted,
        fd: reply.fd,
        send(bytes, port, address, callback) {
          const id = nextSend++;
          sends.set(id, callback);
          thread.postMessage({ op: 'send', slot, id, bytes, port, address });
        },
        close() {
          if (!sockets.delete(slot)) return;
          thread.postMessage({ op: 'close', slot });
        },
      };
    },
    get ringDrops() {
      return ring.full();
    },
    close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (ring.pending() > 0) take();
      sockets.clear();
      for (const callback of sends.values()) callback(new Error('transport closed'));
      sends.clear();
      Atomics.notify(control, RING_SEQ);
      void worker?.terminate();
      worker = undefined;
    },
  };
}
