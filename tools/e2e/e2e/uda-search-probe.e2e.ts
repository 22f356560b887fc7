// An independent probe of ssdp-device against the search rules of UPnP Device Architecture 1.1 §1.3.2-1.3.3:
// every datagram is written here by hand and sent from a plain node:dgram socket (src/fixtures/raw-search-client.ts),
// the answers are read with the few lines below, and every expectation comes from the spec text, never from this
// project's codec. All cases go out at once (each from its own socket), so the whole probe takes one MX window.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevice, waitForInitialAnnouncements, type DeviceProcess } from '../src/apps.ts';
import { availability, createE2eLab, skipReason } from '../src/lab.ts';
import { describeRun, runInHost } from '../src/run-in-host.ts';

const CLIENT = fileURLToPath(new URL('../src/fixtures/raw-search-client.ts', import.meta.url));
const ROOT_UUID = '2fac1234-31f8-11b4-a222-08002b34c003';
const EMBEDDED_UUID = '2fac1234-31f8-11b4-a222-08002b34c004';
const ROOT_TYPE = 'urn:schemas-upnp-org:device:MediaServer:2';
const EMBEDDED_TYPE = 'urn:schemas-upnp-org:device:MediaRenderer:1';
const SERVICE_TYPE = 'urn:schemas-upnp-org:service:ContentDirectory:2';
const EMBEDDED_SERVICE_TYPE = 'urn:schemas-upnp-org:service:RenderingControl:1';
const CONFIG = {
  device: {
    deviceType: ROOT_TYPE,
    friendlyName: 'Probe target',
    uuid: ROOT_UUID,
    services: [{ serviceType: SERVICE_TYPE, serviceId: 'urn:upnp-org:serviceId:ContentDirectory' }],
    devices: [
      {
        deviceType: EMBEDDED_TYPE,
        uuid: EMBEDDED_UUID,
        services: [{ serviceType: EMBEDDED_SERVICE_TYPE, serviceId: 'urn:upnp-org:serviceId:RenderingControl' }],
      },
    ],
  },
};
// §1.2.2: a root device sends 3 advertisements, an embedded device 2, each distinct service type 1: 3 + 2 + 2.
const EXPECTED_SET: readonly [st: string, usn: string][] = [
  ['upnp:rootdevice', `uuid:${ROOT_UUID}::upnp:rootdevice`],
  [`uuid:${ROOT_UUID}`, `uuid:${ROOT_UUID}`],
  [ROOT_TYPE, `uuid:${ROOT_UUID}::${ROOT_TYPE}`],
  [`uuid:${EMBEDDED_UUID}`, `uuid:${EMBEDDED_UUID}`],
  [EMBEDDED_TYPE, `uuid:${EMBEDDED_UUID}::${EMBEDDED_TYPE}`],
  [SERVICE_TYPE, `uuid:${ROOT_UUID}::${SERVICE_TYPE}`],
  [EMBEDDED_SERVICE_TYPE, `uuid:${EMBEDDED_UUID}::${EMBEDDED_SERVICE_TYPE}`],
];
/** Transit and timer slack on top of a response window. */
const SLACK_MS = 400;
const LISTEN_MS = 5000 + 2 * SLACK_MS;

const GROUP_HOST = 'HOST: 239.255.255.250:1900';
const MAN = 'MAN: "ssdp:discover"';

interface Case {
  readonly id: string;
  readonly to: 'group' | 'device';
  readonly lines: readonly string[];
}

function multicast(id: string, ...lines: string[]): Case {
  return { id, to: 'group', lines };
}

const CASES: readonly Case[] = [
  multicast('no-man', GROUP_HOST, 'MX: 1', 'ST: ssdp:all'),
  multicast('other-man', GROUP_HOST, 'MAN: "ssdp:alive"', 'MX: 1', 'ST: ssdp:all'),
  multicast('man-longer', GROUP_HOST, 'MAN: "ssdp:discovery"', 'MX: 1', 'ST: ssdp:all'),
  multicast('no-host', MAN, 'MX: 1', 'ST: ssdp:all'),
  multicast('no-mx', GROUP_HOST, MAN, 'ST: ssdp:all'),
  multicast('mx-0', GROUP_HOST, MAN, 'MX: 0', 'ST: ssdp:all'),
  multicast('mx-not-integer', GROUP_HOST, MAN, 'MX: 1.5', 'ST: ssdp:all'),
  multicast('mx-1', GROUP_HOST, MAN, 'MX: 1', 'ST: upnp:rootdevice'),
  multicast('mx-120', GROUP_HOST, MAN, 'MX: 120', 'ST: ssdp:all'),
  multicast('all', GROUP_HOST, MAN, 'MX: 2', 'ST: ssdp:all'),
  multicast('root', GROUP_HOST, MAN, 'MX: 1', 'ST: upnp:rootdevice'),
  multicast('uuid', GROUP_HOST, MAN, 'MX: 1', `ST: uuid:${EMBEDDED_UUID}`),
  multicast('device-type', GROUP_HOST, MAN, 'MX: 1', `ST: ${EMBEDDED_TYPE}`),
  multicast('service-type', GROUP_HOST, MAN, 'MX: 1', `ST: ${SERVICE_TYPE}`),
  multicast('lower-version', GROUP_HOST, MAN, 'MX: 1', 'ST: urn:schemas-upnp-org:device:MediaServer:1'),
  multicast('higher-version', GROUP_HOST, MAN, 'MX: 1', 'ST: urn:schemas-upnp-org:service:ContentDirectory:3'),
  multicast('unknown-type', GROUP_HOST, MAN, 'MX: 1', 'ST: urn:schemas-upnp-org:device:Printer:1'),
  { id: 'unicast-no-mx', to: 'device', lines: ['HOST: {device}:1900', MAN, 'ST: upnp:rootdevice'] },
  { id: 'unicast-no-man', to: 'device', lines: ['HOST: {device}:1900', 'ST: upnp:rootdevice'] },
];

interface Reply {
  readonly ms: number;
  readonly from: string;
  readonly text: string;
}

/** A response read by hand: its status line and its headers by upper-cased name (first occurrence). */
function read(reply: Reply): { status: string; headers: Map<string, string> } {
  const [status = '', ...lines] = reply.text.split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toUpperCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { status, headers };
}

const targets = (replies: readonly Reply[]) =>
  replies.map((r) => [read(r).headers.get('ST'), read(r).headers.get('USN')]).sort();

describe.skipIf(!availability.ok)(`UDA 1.1 §1.3 search rules, probed from a plain socket${skipReason}`, () => {
  let lab: NetnsLab;
  let stateRoot: string;
  let device: DeviceProcess | undefined;
  let deviceAddress: string;
  const replies = new Map<string, Reply[]>();
  const of = (id: string): Reply[] => replies.get(id) ?? [];

  beforeAll(async () => {
    lab = await createE2eLab({ hosts: ['device', 'probe'] });
    stateRoot = mkdtempSync(join(tmpdir(), 'ssdp-e2e-uda-probe-'));
    const config = join(stateRoot, 'device.json');
    writeFileSync(config, JSON.stringify(CONFIG));
    device = await startDevice(lab, 'device', [
      '--interface',
      'eth0',
      '--config',
      config,
      '--state-dir',
      join(stateRoot, 'state'),
    ]);
    await waitForInitialAnnouncements(device);
    deviceAddress = lab.host('device').interfaces[0]!.address;
    const cases = CASES.map((c) => ({
      id: c.id,
      to: c.to,
      text: `M-SEARCH * HTTP/1.1\r\n${c.lines.map((l) => `${l.replace('{device}', deviceAddress)}\r\n`).join('')}\r\n`,
    }));
    const run = await runInHost(
      lab,
      'probe',
      process.execPath,
      [
        '--import',
        'tsx',
        CLIENT,
        lab.host('probe').interfaces[0]!.address,
        deviceAddress,
        String(LISTEN_MS),
        JSON.stringify(cases),
      ],
      { timeoutMs: LISTEN_MS + 15_000 },
    );
    if (run.code !== 0) throw new Error(`the probe client failed: ${describeRun(run)}`);
    for (const line of run.stdout.split('\n').filter((l) => l.trim() !== '')) {
      const result = JSON.parse(line) as { id: string; replies: Reply[] };
      replies.set(result.id, result.replies);
    }
  }, 60_000);
  afterAll(async () => {
    await device?.stop();
    await lab?.destroy();
    if (stateRoot !== undefined) rmSync(stateRoot, { recursive: true, force: true });
  });

  it('MAN is required: a search without it is not answered', () => {
    expect(of('no-man')).toEqual([]);
  });

  it('MAN must be exactly "ssdp:discover": other values are not answered', () => {
    expect(of('other-man')).toEqual([]);
    expect(of('man-longer')).toEqual([]);
  });

  it('HOST is required: a search without it is not answered', () => {
    expect(of('no-host')).toEqual([]);
  });

  it('MX is required for a multicast search: without it, no answer', () => {
    expect(of('no-mx')).toEqual([]);
  });

  it('MX must be an integer ≥ 1: 0 and 1.5 are not answered', () => {
    expect(of('mx-0')).toEqual([]);
    expect(of('mx-not-integer')).toEqual([]);
  });

  it('answers within MX seconds (MX 1)', () => {
    const answers = of('mx-1');
    expect(answers).toHaveLength(1);
    expect(answers[0]!.ms).toBeLessThanOrEqual(1000 + SLACK_MS);
  });

  it('treats an MX above 5 as 5: MX 120 is answered in full within 5 s', () => {
    const answers = of('mx-120');
    expect(answers).toHaveLength(EXPECTED_SET.length);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThanOrEqual(5000 + SLACK_MS);
  });

  it('ssdp:all: one response per advertisement (3 + 2d + k), ST and USN as in §1.2.2, spread over MX', () => {
    const answers = of('all');
    expect(targets(answers)).toEqual(EXPECTED_SET.map(([st, usn]) => [st, usn]).sort());
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThanOrEqual(2000 + SLACK_MS);
  });

  it('upnp:rootdevice: one response, for the root device', () => {
    expect(targets(of('root'))).toEqual([['upnp:rootdevice', `uuid:${ROOT_UUID}::upnp:rootdevice`]]);
  });

  it('uuid:device-UUID: one response, for that (embedded) device', () => {
    expect(targets(of('uuid'))).toEqual([[`uuid:${EMBEDDED_UUID}`, `uuid:${EMBEDDED_UUID}`]]);
  });

  it('a device type: one response, for the device of that type', () => {
    expect(targets(of('device-type'))).toEqual([[EMBEDDED_TYPE, `uuid:${EMBEDDED_UUID}::${EMBEDDED_TYPE}`]]);
  });

  it('a service type: one response, from the device that has it', () => {
    expect(targets(of('service-type'))).toEqual([[SERVICE_TYPE, `uuid:${ROOT_UUID}::${SERVICE_TYPE}`]]);
  });

  it('a lower version than ours is answered, with the version that was requested in ST', () => {
    const answers = of('lower-version');
    expect(answers).toHaveLength(1);
    const { headers } = read(answers[0]!);
    expect(headers.get('ST')).toBe('urn:schemas-upnp-org:device:MediaServer:1');
    expect(headers.get('USN')).toMatch(new RegExp(`^uuid:${ROOT_UUID}::urn:schemas-upnp-org:device:MediaServer:\\d+$`));
  });

  it('a higher version than ours, or a type we do not have, is not answered', () => {
    expect(of('higher-version')).toEqual([]);
    expect(of('unknown-type')).toEqual([]);
  });

  it('a unicast search needs no MX and is answered at once (within 1 s)', () => {
    const answers = of('unicast-no-mx');
    expect(targets(answers)).toEqual([['upnp:rootdevice', `uuid:${ROOT_UUID}::upnp:rootdevice`]]);
    expect(answers[0]!.ms).toBeLessThanOrEqual(1000 + SLACK_MS);
  });

  it('a unicast search needs MAN too', () => {
    expect(of('unicast-no-man')).toEqual([]);
  });

  it('each answer is an HTTP/1.1 200 OK from the device with CACHE-CONTROL, DATE, EXT, LOCATION, SERVER, ST, USN, BOOTID and CONFIGID', () => {
    const answers = [...of('all'), ...of('unicast-no-mx')];
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) {
      const { status, headers } = read(answer);
      expect(status).toBe('HTTP/1.1 200 OK');
      expect(answer.from).toMatch(new RegExp(`^${deviceAddress.replaceAll('.', '\\.')}:\\d+$`));
      expect(headers.get('CACHE-CONTROL')).toMatch(/^max-age\s*=\s*\d+$/i);
      expect(Number.isNaN(Date.parse(headers.get('DATE') ?? ''))).toBe(false);
      expect(headers.get('EXT')).toBe('');
      expect(headers.get('LOCATION')).toMatch(new RegExp(`^http://${deviceAddress.replaceAll('.', '\\.')}:\\d+/`));
      expect(headers.get('SERVER')).toMatch(/^\S+\/\S+ UPnP\/[12]\.\d \S+\/\S+$/);
      expect(headers.get('BOOTID.UPNP.ORG')).toMatch(/^\d+$/);
      expect(headers.get('CONFIGID.UPNP.ORG')).toMatch(/^\d+$/);
    }
  });
});
