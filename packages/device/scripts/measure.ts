// Measurements for the report and the later hardening issue (a script, not a test: the machine is shared).
//   node --expose-gc --import tsx packages/device/scripts/measure.ts
// On a MemoryNetwork with a manual clock: time to answer one ssdp:all for --count 1000, memory per pending
// response, and the amplification (bytes out / bytes in) of on-link floods with the default limits.
import { createManualClock } from '@ssdp/runtime/testing';
import { MemoryNetwork, createMemoryTransport, seededRandom } from '@ssdp/transport/testing';
import { createDeviceEngine as createDevice } from '../src/device-engine.ts';
import type { DeviceLimits } from '../src/limits.ts';
import { createMemoryStateStore } from '../src/testing/memory-state-store.ts';
import { createMemoryDescriptionServer } from '../src/testing/memory-description-server.ts';

const SEARCH = new TextEncoder().encode(
  'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 3\r\nST: ssdp:all\r\n\r\n',
);

async function lab(count: number, controlPoints: number, limits: Partial<DeviceLimits> = {}) {
  const clock = createManualClock();
  const network = new MemoryNetwork({ clock, seed: 1 });
  const host = network.addHost('device', [{ name: 'eth0', link: 'lan', ipv4: '10.0.0.2/16' }]);
  const transport = createMemoryTransport({ interfaces: ['eth0'] }, { network, host });
  const device = createDevice(
    { server: 'Linux/6.1 UPnP/2.0 ssdp-device/0.1.0', count, limits },
    {
      transport,
      clock,
      random: seededRandom(5),
      stateStore: createMemoryStateStore(),
      descriptionServer: createMemoryDescriptionServer(),
      onEvent: () => undefined,
    },
  );
  const cps = [];
  for (let i = 0; i < controlPoints; i += 1) {
    const cpHost = network.addHost(`cp${i}`, [
      { name: 'eth0', link: 'lan', ipv4: `10.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}/16` },
    ]);
    const cp = createMemoryTransport(
      { interfaces: ['eth0'], unicastPort: 0, joinGroup: false },
      { network, host: cpHost },
    );
    await cp.start();
    cps.push(cp);
  }
  return { clock, network, device, cps };
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function fleetAnswer(): Promise<void> {
  const t0 = process.hrtime.bigint();
  const { clock, network, device, cps } = await lab(1000, 1);
  await device.start();
  const startMs = ms(t0);
  await clock.advanceAsync(5000); // initial announcements (9,000 NOTIFYs, paced)
  const cp = cps[0]!;
  const before = network.log.length;
  const t1 = process.hrtime.bigint();
  await cp.send(SEARCH, { kind: 'multicast', interfaceId: cp.interfaces[0]!.id });
  await clock.advanceAsync(1);
  const scheduleMs = ms(t1);
  const pending = device.pendingResponses;
  const t2 = process.hrtime.bigint();
  await clock.advanceAsync(3001);
  const sendMs = ms(t2);
  const answers = network.log.slice(before).filter((r) => r.host === 'device' && r.via === 'unicast').length;
  console.log(
    `--count 1000: start ${startMs.toFixed(0)} ms (fleet build, bind, state); one ssdp:all: ${pending} responses scheduled in ${scheduleMs.toFixed(1)} ms, ${answers} sent over the 3 s window using ${sendMs.toFixed(0)} ms of CPU/wall`,
  );
  console.log(
    `  dropped: ${JSON.stringify(Object.fromEntries(Object.entries(device.stats.dropped).filter(([, n]) => n > 0)))}`,
  );
}

async function memoryPerPending(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    console.log('memory per pending response: run with node --expose-gc');
    return;
  }
  const { clock, device, cps } = await lab(1000, 20, { maxPendingResponses: 1_000_000, responseBurst: 1_000_000 });
  await device.start();
  await clock.advanceAsync(5000);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const cp of cps) await cp.send(SEARCH, { kind: 'multicast', interfaceId: cp.interfaces[0]!.id });
  await clock.advanceAsync(1);
  gc();
  const after = process.memoryUsage().heapUsed;
  const pending = device.pendingResponses;
  console.log(
    `memory: ${pending} pending responses take ${((after - before) / 1024 / 1024).toFixed(1)} MiB, ${Math.round((after - before) / pending)} bytes each`,
  );
}

async function flood(label: string, sources: number, perSourcePerSecond: number, seconds: number): Promise<void> {
  const { clock, network, device, cps } = await lab(1, sources);
  await device.start();
  await clock.advanceAsync(2000);
  const mark = network.log.length;
  let bytesIn = 0;
  const stepMs = 10;
  const perStep = (perSourcePerSecond * stepMs) / 1000;
  let carry = 0;
  for (let t = 0; t < seconds * 1000; t += stepMs) {
    carry += perStep;
    while (carry >= 1) {
      carry -= 1;
      for (const cp of cps) {
        await cp.send(SEARCH, { kind: 'multicast', interfaceId: cp.interfaces[0]!.id });
        bytesIn += SEARCH.length;
      }
    }
    await clock.advanceAsync(stepMs);
  }
  await clock.advanceAsync(3100);
  const out = network.log.slice(mark).filter((r) => r.host === 'device' && r.via === 'unicast');
  const bytesOut = out.reduce((sum, r) => sum + r.bytes.length, 0);
  const searches = (sources * perSourcePerSecond * seconds).toFixed(0);
  console.log(
    `${label}: ${searches} searches (${(bytesIn / 1024).toFixed(0)} KiB in) -> ${out.length} responses (${(bytesOut / 1024).toFixed(0)} KiB out): ratio ${(bytesOut / bytesIn).toFixed(3)}; answered ${device.stats.searches}`,
  );
}

await fleetAnswer();
await memoryPerPending();
console.log(
  `amplification (one device, S = 3, search ${SEARCH.length} B, response ~${'350'} B), default limits, 30 s floods:`,
);
await flood('  1 source at 1/s (a normal control point)', 1, 1, 30);
await flood('  1 source at 100/s', 1, 100, 30);
await flood('  1 source at 1000/s', 1, 1000, 30);
await flood('  10 sources at 2/s each (just under the per-source cap)', 10, 2, 30);
await flood('  100 sources at 2/s each', 100, 2, 30);
await flood('  100 sources at 20/s each', 100, 20, 30);
