// The reader thread's program (worker-reader.ts runs it with `eval: true`, so the package needs no extra file and
// works the same from source, from dist and bundled). It owns the unicast sockets: binds and configures them, sends
// for the main thread, and copies every datagram it reads into the shared ring, nothing else, so that a burst is
// read as fast as a bare Node socket reads it. Ring layout (both sides): see worker-ring.ts. It runs as a script or
// as a module (it takes the --input-type of the process), hence process.getBuiltinModule rather than require.
export const READER_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const dgram = process.getBuiltinModule('node:dgram');
const ring = new Uint8Array(workerData.ring);
const view = new DataView(workerData.ring);
const ctl = new Int32Array(workerData.control);
const W = 0, R = 1, SEQ = 2, FULL = 3, HEADER = 16, WRAP = 0xffffffff;
const capacity = ring.length;
const RESTART_AT = Math.min(capacity / 2, 1024 * 1024);
const sockets = new Map();

function errorInfo(error) {
  const e = error || {};
  return { message: String(e.message), code: e.code, errno: e.errno, syscall: e.syscall };
}

function fdOf(socket) {
  try {
    const key = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
    const fd = key === undefined ? undefined : socket[key]?.handle?.fd;
    return Number.isInteger(fd) && fd >= 0 ? fd : undefined;
  } catch {
    return undefined;
  }
}

function write(slot, message, rinfo) {
  const address = rinfo.address;
  const size = HEADER + address.length + message.length;
  const r = Atomics.load(ctl, R);
  let w = ctl[W];
  if (w === r && r >= RESTART_AT && size < r) {
    // Empty and far in: start again at 0, so light traffic keeps using the same first pages instead of walking
    // through the whole ring. [0, r) is then free; the reader reaches 0 at its next take (pending() counts the
    // skipped tail, so that take comes at once).
    if (capacity - w >= HEADER) view.setUint32(w, WRAP);
    w = 0;
  } else if (w >= r) {
    if (w + size >= capacity) {
      if (size >= r) return void Atomics.add(ctl, FULL, 1);
      if (capacity - w >= HEADER) view.setUint32(w, WRAP);
      w = 0;
    }
  } else if (w + size >= r) return void Atomics.add(ctl, FULL, 1);
  view.setUint32(w, size);
  view.setUint32(w + 4, message.length);
  view.setUint16(w + 8, rinfo.port);
  view.setUint16(w + 10, slot);
  ring[w + 12] = address.length;
  ring[w + 13] = rinfo.family === 'IPv6' ? 6 : 4;
  for (let i = 0; i < address.length; i += 1) ring[w + HEADER + i] = address.charCodeAt(i);
  ring.set(message, w + HEADER + address.length);
  Atomics.store(ctl, W, w + size);
  Atomics.add(ctl, SEQ, 1);
  Atomics.notify(ctl, SEQ);
}

function open(request) {
  const { slot, family, address, port, recvBuffer, multicast } = request;
  let socket;
  const fail = (stage, error) => {
    try { socket?.close(); } catch {}
    parentPort.postMessage({ op: 'failed', slot, stage, error: errorInfo(error) });
  };
  try {
    socket = dgram.createSocket({ type: family === 'IPv6' ? 'udp6' : 'udp4', reuseAddr: true });
  } catch (error) {
    return fail('bind', error);
  }
  socket.once('error', (error) => fail('bind', error));
  socket.bind({ address, port }, () => {
    socket.removeAllListeners('error');
    socket.on('error', (error) => parentPort.postMessage({ op: 'error', slot, error: errorInfo(error) }));
    try { socket.setRecvBufferSize(recvBuffer); } catch {}
    let granted;
    try { granted = socket.getRecvBufferSize(); } catch {}
    try {
      socket.setMulticastInterface(multicast.iface);
      socket.setMulticastTTL(multicast.ttl);
      socket.setMulticastLoopback(multicast.loopback);
      if (family === 'IPv4') socket.setBroadcast(true);
    } catch (error) {
      return fail('configure', error);
    }
    socket.on('message', (message, rinfo) => write(slot, message, rinfo));
    sockets.set(slot, socket);
    parentPort.postMessage({ op: 'opened', slot, port: socket.address().port, granted, fd: fdOf(socket) });
  });
}

function send(request) {
  const socket = sockets.get(request.slot);
  const done = (error) => parentPort.postMessage({ op: 'sent', id: request.id, error: error ? errorInfo(error) : undefined });
  if (socket === undefined) return done({ message: 'socket closed', code: 'EBADF' });
  try {
    socket.send(request.bytes, request.port, request.address, (error) => done(error));
  } catch (error) {
    done(error);
  }
}

parentPort.on('message', (request) => {
  if (request.op === 'open') {
    try {
      open(request);
    } catch (error) {
      parentPort.postMessage({ op: 'failed', slot: request.slot, stage: 'bind', error: errorInfo(error) });
    }
  }
  else if (request.op === 'send') send(request);
  else if (request.op === 'close') {
    const socket = sockets.get(request.slot);
    sockets.delete(request.slot);
    try { socket?.close(); } catch {}
  }
});
`;
