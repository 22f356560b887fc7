// Heap cost of the registry per device: N devices, each seen through the real parse path (serialized NOTIFY
// alive for its 3 + k USNs -> parseMessageView -> toObservation -> registry), on a manual clock.
// Run: node --expose-gc --import tsx packages/control-point/scripts/measure-registry-memory.ts [devices]
// A script, not a test: heap numbers vary with the machine and the V8 version.
import { createNotifyAlive, parseMessageView, serializeMessage, type SsdpMessage } from '@ssdp/protocol';
import { createScheduler } from '@ssdp/runtime';
import { createManualClock } from '@ssdp/runtime/testing';
import { toObservation } from '../src/observation.ts';
import { createRegistry } from '../src/registry.ts';

const count = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const clock = createManualClock(1_764_000_000_000);
const scheduler = createScheduler({ clock });
let added = 0;
const registry = createRegistry(
  { maxDevices: count, gatherMs: 0, settleMs: 0 },
  { clock, scheduler, onEvent: (e) => void (e.event === 'device-added' && added++) },
);

const targets = [
  'upnp:rootdevice',
  '',
  'urn:schemas-upnp-org:device:MediaServer:1',
  'urn:schemas-upnp-org:service:ContentDirectory:1',
  'urn:schemas-upnp-org:service:ConnectionManager:1',
];

function uuidOf(i: number): string {
  return `${i.toString(16).padStart(8, '0')}-31f8-11b4-a222-08002b34c003`;
}

function addressOf(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < count; i += 1) {
  const uuid = uuidOf(i);
  const address = addressOf(i);
  for (const target of targets) {
    const bytes = serializeMessage(
      createNotifyAlive({
        nt: target === '' ? `uuid:${uuid}` : target,
        usn: target === '' ? `uuid:${uuid}` : `uuid:${uuid}::${target}`,
        location: `http://${address}:49152/description.xml`,
        maxAge: 1800,
        server: 'Linux/6.1 UPnP/2.0 ssdp-device/0.1.0',
        bootId: 1_764_000_000,
        configId: 1,
      }),
    );
    const parsed = parseMessageView(bytes);
    if (!parsed.ok) throw parsed.error;
    const observation = toObservation(
      parsed.message as Exclude<SsdpMessage, { kind: 'm-search' }>,
      { remote: { address, port: 1900, family: 'IPv4' }, interfaceId: 'eth0/IPv4' },
      'upnp',
    );
    if (typeof observation === 'string') throw new Error(observation);
    registry.observe(observation);
  }
  clock.advance(1);
}
clock.advance(1); // due the announcement tasks
registry.settleAll();
gc();
const after = process.memoryUsage().heapUsed;
const perDevice = (after - before) / count;
console.log(
  JSON.stringify({
    devices: count,
    announced: registry.size,
    added,
    usnsPerDevice: registry.devices().slice(0, 1)[0]?.usns.length,
    scheduledTasks: scheduler.size,
    heapDeltaMiB: Number(((after - before) / 1048576).toFixed(1)),
    bytesPerDevice: Math.round(perDevice),
  }),
);
