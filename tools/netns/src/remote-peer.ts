// A peer process inside a lab namespace that hosts real UDP transports, and SsdpTransport adapters that drive
// them from this process. This is how a suite running in the host namespace tests UDP between namespaces.
import type { ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  TransportError,
  type Datagram,
  type InterfacesChange,
  type SendTarget,
  type SsdpTransport,
  type TransportErrorCode,
  type TransportInterface,
  type TransportOptions,
  type Unsubscribe,
} from '@ssdp/transport';
import type { NetnsLab } from './netns-lab.ts';
import type { PeerMessage, PeerRequest, WireError } from './peer-protocol.ts';

export interface RemotePeer {
  readonly host: string;
  readonly pid: number;
  /** A transport living in the peer process (not started). */
  createTransport(init: TransportOptions): SsdpTransport;
  /** Binds address:port without SO_REUSEADDR in the peer, as a foreign SSDP daemon would. */
  occupyPort(address: string, port: number): Promise<{ release(): Promise<void> }>;
  /** Stops every transport and ends the process. */
  close(): Promise<void>;
}

const PEER_SCRIPT = fileURLToPath(new URL('./peer.ts', import.meta.url));
const PACKAGE_DIR = dirname(dirname(PEER_SCRIPT));

function fromWire(error: WireError): TransportError {
  return new TransportError(error.code as TransportErrorCode, error.message, {
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.errno === undefined ? {} : { errno: error.errno }),
  });
}

interface TransportSink {
  datagram(datagram: Datagram): void;
  interfaces(change: InterfacesChange, interfaces: readonly TransportInterface[]): void;
  error(error: TransportError): void;
}

export async function createRemotePeer(lab: NetnsLab, host: string): Promise<RemotePeer> {
  const child: ChildProcess = lab.spawn(host, process.execPath, ['--import', 'tsx', PEER_SCRIPT], {
    cwd: PACKAGE_DIR,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const pending = new Map<number, { resolve: (m: PeerMessage) => void; reject: (e: Error) => void }>();
  const sinks = new Map<number, TransportSink>();
  let nextId = 1;
  let nextTransport = 1;
  let exited = false;
  let readyPid = 0;

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer in ${host} did not start within 60 s`)), 60_000);
    child.once('exit', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      reject(new Error(`peer in ${host} exited (${String(code ?? signal)}) before it was ready`));
      for (const { reject: fail } of pending.values()) {
        fail(new TransportError('SSDP_ERR_SOCKET', `peer process in ${host} exited (${String(code ?? signal)})`));
      }
      pending.clear();
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let message: PeerMessage;
      try {
        message = JSON.parse(line) as PeerMessage;
      } catch {
        return;
      }
      if ('reply' in message) {
        pending.get(message.reply)?.resolve(message);
        pending.delete(message.reply);
        return;
      }
      switch (message.event) {
        case 'ready':
          readyPid = message.pid;
          clearTimeout(timer);
          resolve();
          return;
        case 'datagram':
          sinks.get(message.transport)?.datagram({
            bytes: new Uint8Array(Buffer.from(message.bytes, 'base64')),
            remote: message.remote,
            interfaceId: message.interfaceId,
            via: message.via,
          });
          return;
        case 'interfaces':
          sinks.get(message.transport)?.interfaces(message.change, message.interfaces);
          return;
        case 'error':
          sinks.get(message.transport)?.error(fromWire(message.error));
          return;
      }
    });
  });
  await ready;

  type Request = PeerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;
  const request = (body: Request): Promise<PeerMessage> => {
    if (exited) return Promise.reject(new TransportError('SSDP_ERR_SOCKET', `peer process in ${host} is gone`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.stdin!.write(`${JSON.stringify({ ...body, id })}\n`);
    });
  };
  const expectOk = async (body: Request): Promise<PeerMessage & { ok: true }> => {
    const message = await request(body);
    if ('reply' in message && message.ok) return message;
    if ('reply' in message && !message.ok) throw fromWire(message.error);
    throw new Error('unexpected peer message');
  };

  function createTransport(init: TransportOptions): SsdpTransport {
    const transport = nextTransport++;
    const created = expectOk({ op: 'create', transport, init });
    created.catch(() => undefined);
    let state: 'idle' | 'started' | 'stopped' = 'idle';
    let starting: Promise<void> | undefined;
    let stopping: Promise<void> | undefined;
    let interfaces: readonly TransportInterface[] = [];
    const handlers = {
      datagram: new Set<(d: Datagram) => void>(),
      change: new Set<(c: InterfacesChange) => void>(),
      error: new Set<(e: TransportError) => void>(),
    };
    const report = (error: TransportError): void => {
      for (const handler of handlers.error) {
        try {
          handler(error);
        } catch {
          // An error handler that throws has nobody left to tell.
        }
      }
    };
    const safely = <T>(set: Set<(value: T) => void>, value: T): void => {
      for (const handler of [...set]) {
        try {
          handler(value);
        } catch (error) {
          report(new TransportError('SSDP_ERR_HANDLER_FAILED', `a handler threw: ${String(error)}`, { cause: error }));
        }
      }
    };
    sinks.set(transport, {
      datagram: (d) => {
        if (state === 'started') safely(handlers.datagram, d);
      },
      interfaces: (change, current) => {
        if (state !== 'started') return;
        interfaces = current;
        safely(handlers.change, change);
      },
      error: report,
    });
    const subscribe = <T>(set: Set<(value: T) => void>, handler: (value: T) => void): Unsubscribe => {
      const entry = (value: T): void => handler(value);
      set.add(entry);
      return () => set.delete(entry);
    };

    return {
      start: async () => {
        if (state === 'started') return;
        if (state === 'stopped')
          throw new TransportError('SSDP_ERR_TRANSPORT_STOPPED', 'this transport was stopped; create a new one');
        starting ??= (async () => {
          await created;
          const reply = await expectOk({ op: 'start', transport });
          interfaces = 'interfaces' in reply ? (reply.interfaces ?? []) : [];
          state = 'started';
        })().finally(() => {
          starting = undefined;
        });
        return starting;
      },
      stop: async () => {
        if (starting !== undefined) await starting.catch(() => undefined);
        if (state !== 'started') return;
        stopping ??= (async () => {
          state = 'stopped';
          interfaces = [];
          await expectOk({ op: 'stop', transport }).catch(() => undefined);
        })();
        return stopping;
      },
      get interfaces() {
        return interfaces;
      },
      onDatagram: (handler) => subscribe(handlers.datagram, handler),
      onInterfacesChanged: (handler) => subscribe(handlers.change, handler),
      onError: (handler) => subscribe(handlers.error, handler),
      send: async (bytes: Uint8Array, target: SendTarget) => {
        if (state !== 'started') {
          throw new TransportError(
            state === 'stopped' ? 'SSDP_ERR_TRANSPORT_STOPPED' : 'SSDP_ERR_NOT_STARTED',
            `cannot send: the transport is ${state}`,
          );
        }
        await expectOk({ op: 'send', transport, bytes: Buffer.from(bytes).toString('base64'), target });
      },
    };
  }

  return {
    host,
    pid: readyPid,
    createTransport,
    occupyPort: async (address, port) => {
      await expectOk({ op: 'occupy', address, port });
      return { release: async () => void (await expectOk({ op: 'release', address, port })) };
    },
    close: async () => {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin!.end();
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (!exited) child.kill('SIGKILL');
    },
  };
}
