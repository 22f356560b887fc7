// The attacker: runs inside a lab host (`node --import tsx tools/fuzz/src/blaster.ts '<plan JSON>'`), draws
// datagrams from the seeded generator, sends them over real UDP, and tallies what each app must do with them
// (the oracle's verdicts). It keeps the receivers' socket queues below a bound by reading their rx_queue in
// /proc/<pid>/net/udp, so the kernel drops nothing and every datagram reaches the app that must count it.
// Prints one JSON result line on stdout; progress on stderr.
import dgram from 'node:dgram';
import { CATEGORIES, createGenerator, type FuzzCategory, type FuzzDatagram } from './generators.ts';
import { judgeForController, judgeForDevice } from './oracle.ts';
import { readUdpSockets } from './lab/proc.ts';
import { loadVectors } from './vectors.ts';

export interface BlastPlan {
  readonly seed: number;
  readonly count: number;
  /** `fuzz`: the mix, to the group / device / controller. `off-link`: every datagram unicast to the device. */
  readonly mode: 'fuzz' | 'off-link';
  readonly from: string;
  readonly deviceAddress: string;
  readonly controllerAddress: string;
  /** The controller's search socket port (ephemeral): where unsolicited responses go. */
  readonly controllerPort: number;
  readonly port: number;
  readonly closedPort: number;
  readonly knownUuids: readonly string[];
  readonly weights?: Partial<Record<FuzzCategory, number>>;
  /** Processes whose namespaces' UDP receive queues must stay below maxQueueBytes. */
  readonly watchPids: readonly number[];
  readonly maxQueueBytes: number;
  /** After the stream, one byebye per UUID the stream advertised (empties the controller's registry). */
  readonly cleanup: boolean;
}

export interface BlastResult {
  readonly mode: BlastPlan['mode'];
  readonly sent: number;
  readonly bytes: number;
  readonly sendErrors: number;
  readonly durationMs: number;
  readonly byCategory: Record<string, number>;
  /** Oracle verdicts for what reached the device (group or unicast to it). */
  readonly device: Record<string, number>;
  /** SSDP_ERR_* codes of the device's `malformed` verdicts. */
  readonly deviceCodes: Record<string, number>;
  /** Oracle verdicts for what reached the controller (group or unicast to it). */
  readonly controller: Record<string, number>;
  readonly cleanupByebyes: number;
  /** Answers that came back to the attacker's socket (responses to its valid searches). */
  readonly received: number;
  readonly receivedBytes: number;
  /** Times the sender waited for a receiver's queue to drain. */
  readonly throttled: number;
  /** The largest receive queue seen at a check (bytes). */
  readonly maxQueueSeen: number;
  readonly largestDatagram: number;
}

const bump = (record: Record<string, number>, key: string, by = 1): void => {
  record[key] = (record[key] ?? 0) + by;
};

const CHECK_EVERY_MS = 40;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function blast(plan: BlastPlan, progress: (line: string) => void = () => undefined): Promise<BlastResult> {
  const socket = dgram.createSocket({ type: 'udp4' });
  let received = 0;
  let receivedBytes = 0;
  socket.on('message', (bytes) => {
    received += 1;
    receivedBytes += bytes.length;
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.bind({ address: plan.from, port: 0 }, resolve));
  socket.setMulticastInterface(plan.from);
  socket.setMulticastTTL(2);
  socket.setSendBufferSize(4 * 1024 * 1024);

  const generator = createGenerator(
    plan.seed,
    {
      vectors: loadVectors(),
      attackerAddress: plan.from,
      closedPort: plan.closedPort,
      knownUuids: plan.knownUuids,
      port: plan.port,
      deviceAddress: plan.deviceAddress,
    },
    plan.weights,
  );
  const result = {
    mode: plan.mode,
    sent: 0,
    bytes: 0,
    sendErrors: 0,
    durationMs: 0,
    byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<string, number>,
    device: {} as Record<string, number>,
    deviceCodes: {} as Record<string, number>,
    controller: {} as Record<string, number>,
    cleanupByebyes: 0,
    received: 0,
    receivedBytes: 0,
    throttled: 0,
    maxQueueSeen: 0,
    largestDatagram: 0,
  };

  let inFlight = 0;
  let drained: (() => void) | undefined;
  const send = (bytes: Uint8Array, address: string, port: number): void => {
    inFlight += 1;
    socket.send(bytes, port, address, (error) => {
      inFlight -= 1;
      if (error) result.sendErrors += 1;
      if (drained !== undefined && inFlight < 64) {
        const wake = drained;
        drained = undefined;
        wake();
      }
    });
  };
  // Reading /proc/<pid>/net/udp walks the whole UDP hash table (~5 ms here), so the queues are looked at every
  // CHECK_EVERY_MS, not per datagram; between two looks at most a few hundred KB arrive, far below the 8 MiB
  // receive buffers the transport asks for.
  const queued = (): number => {
    let most = 0;
    for (const pid of plan.watchPids) {
      const sockets = readUdpSockets(pid);
      // An app with no socket is gone (or /proc is not what we think): never blast blind.
      if (sockets.length === 0) throw new Error(`cannot read the UDP sockets of pid ${pid}`);
      most = Math.max(
        most,
        sockets.reduce((sum, s) => sum + s.rxQueue, 0),
      );
    }
    result.maxQueueSeen = Math.max(result.maxQueueSeen, most);
    return most;
  };
  let lastCheck = 0;
  async function pace(force = false): Promise<void> {
    if (inFlight >= 256) await new Promise<void>((resolve) => (drained = resolve));
    if (!force && performance.now() - lastCheck < CHECK_EVERY_MS) return;
    while (queued() > plan.maxQueueBytes) {
      result.throttled += 1;
      await sleep(5);
    }
    lastCheck = performance.now();
  }

  const started = Date.now();
  let nextReport = started + 2000;
  const destination = (datagram: FuzzDatagram): { address: string; port: number } => {
    if (plan.mode === 'off-link' || datagram.to === 'device') return { address: plan.deviceAddress, port: plan.port };
    if (datagram.to === 'controller') return { address: plan.controllerAddress, port: plan.controllerPort };
    return { address: '239.255.255.250', port: plan.port };
  };

  for (let i = 0; i < plan.count; i += 1) {
    if (i % 32 === 0) await pace();
    const datagram = generator.next();
    const to = plan.mode === 'off-link' ? 'device' : datagram.to;
    bump(result.byCategory, datagram.category);
    if (plan.mode === 'off-link') {
      bump(result.device, 'off-link');
    } else {
      if (to !== 'controller') {
        const judgement = judgeForDevice(datagram.bytes, { multicast: to === 'group' });
        bump(result.device, judgement.verdict);
        if (judgement.code !== undefined) bump(result.deviceCodes, judgement.code);
      }
      if (to !== 'device') bump(result.controller, judgeForController(datagram.bytes));
    }
    const { address, port } = destination(datagram);
    send(datagram.bytes, address, port);
    result.sent += 1;
    result.bytes += datagram.bytes.length;
    result.largestDatagram = Math.max(result.largestDatagram, datagram.bytes.length);
    if (Date.now() > nextReport) {
      progress(
        `${plan.mode}: ${result.sent}/${plan.count} sent (${Math.round(result.sent / ((Date.now() - started) / 1000))}/s), throttled ${result.throttled}, max queue ${result.maxQueueSeen}`,
      );
      nextReport = Date.now() + 2000;
    }
  }

  if (plan.cleanup && plan.mode === 'fuzz') {
    const encoder = new TextEncoder();
    for (const [i, uuid] of generator.advertisedUuids().entries()) {
      if (i % 32 === 0) await pace();
      const bytes = encoder.encode(
        `NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:${plan.port}\r\nNT: upnp:rootdevice\r\nNTS: ssdp:byebye\r\nUSN: uuid:${uuid}::upnp:rootdevice\r\n\r\n`,
      );
      bump(result.device, judgeForDevice(bytes, { multicast: true }).verdict);
      bump(result.controller, judgeForController(bytes));
      send(bytes, '239.255.255.250', plan.port);
      result.cleanupByebyes += 1;
      result.bytes += bytes.length;
    }
  }
  while (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
  await pace(true);
  result.durationMs = Date.now() - started;
  // Answers to the valid searches trickle in over their MX window.
  await sleep(3500);
  result.received = received;
  result.receivedBytes = receivedBytes;
  socket.close();
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const plan = JSON.parse(process.argv[2] ?? '{}') as BlastPlan;
  const result = await blast(plan, (line) => process.stderr.write(`blaster: ${line}\n`));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
