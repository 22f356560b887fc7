import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  combineFloods,
  parseDeviceStopped,
  parseFloodResult,
  parseLibraryStopped,
  parseUdpSnmp,
  stormUsage,
  udpDelta,
  type FloodResult,
} from '../src/storm/storm-counters.ts';
import { formatRate } from '../src/storm/storm-report.ts';
import { compileC } from '../src/lab/compile-c.ts';
import { findWorkspaceRoot } from '../src/results.ts';

const SNMP = `Ip: Forwarding DefaultTTL InReceives
Ip: 1 64 1000
Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
Udp: 11085 3 18917 2 18917 0 0 0 0
UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
UdpLite: 0 0 0 0 0 0 0 0 0
`;

describe('storm counters', () => {
  it('reads the Udp line pair of /proc/net/snmp, not UdpLite', () => {
    const counters = parseUdpSnmp(SNMP);
    expect(counters).toEqual({
      inDatagrams: 11085,
      noPorts: 3,
      inErrors: 18917,
      outDatagrams: 2,
      rcvbufErrors: 18917,
      sndbufErrors: 0,
    });
    expect(udpDelta(counters, { ...counters, inDatagrams: 11185, rcvbufErrors: 18918 })).toMatchObject({
      inDatagrams: 100,
      rcvbufErrors: 1,
      noPorts: 0,
    });
    expect(() => parseUdpSnmp('Ip: a\nIp: 1\n')).toThrow(/Udp/);
  });

  it("parses our device's stopped line, with and without drops", () => {
    expect(
      parseDeviceStopped(
        'stopped (SIGTERM) after 17.21 s: 41 searches, 44 responses, 9 alive, 3 byebye, 0 updates, 2 other messages ignored; dropped: source-rate-limit 9960, pending-cap 2',
      ),
    ).toEqual({ searches: 41, responses: 44, ignored: 2, dropped: { 'source-rate-limit': 9960, 'pending-cap': 2 } });
    expect(
      parseDeviceStopped(
        'stopped (duration) after 1.00 s: 0 searches, 0 responses, 3 alive, 3 byebye, 0 updates, 0 other messages ignored; dropped: none',
      ).dropped,
    ).toEqual({});
    expect(
      parseDeviceStopped(
        'stopped (SIGTERM) after 10.46 s: 25 searches, 30 responses, 9 alive, 3 byebye, 0 updates, 9 other messages ignored; dropped: source-rate-limit 1975; kernel-drops 7',
      ),
    ).toEqual({ searches: 25, responses: 30, ignored: 9, dropped: { 'source-rate-limit': 1975 }, kernelDrops: 7 });
    expect(
      parseDeviceStopped(
        'stopped (SIGTERM) after 1.00 s: 0 searches, 0 responses, 3 alive, 3 byebye, 0 updates, 0 other messages ignored; dropped: none; kernel-drops 0',
      ),
    ).toEqual({ searches: 0, responses: 0, ignored: 0, dropped: {}, kernelDrops: 0 });
    expect(() => parseDeviceStopped('search from 10.0.0.1:5 -')).toThrow(/not a stopped line/);
  });

  it("parses the libraries' wrapper line", () => {
    expect(
      parseLibraryStopped(['{"event":"ready"}', '{"event":"stopped","searches":5,"responses":6,"datagrams":9}']),
    ).toEqual({ searches: 5, responses: 6 });
    expect(() => parseLibraryStopped(['{"event":"ready"}'])).toThrow(/no stopped/);
  });

  const flood = (patch: Partial<FloodResult>): FloodResult =>
    parseFloodResult(
      JSON.stringify({
        rate: 1000,
        sent: 10000,
        sendSeconds: 10,
        achievedRate: 1000,
        sendAgain: 0,
        sendErrors: 0,
        responses: 12000,
        notOk: 0,
        late: 0,
        lateOver100ms: 0,
        lateOver1s: 0,
        maxLateMs: -50,
        maxDelayFraction: 0.99,
        kernelTimestamps: 12000,
        delayDeciles: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
        ...patch,
      }),
    );

  it('adds several generators up, keeping the worst lateness', () => {
    const both = combineFloods([flood({}), flood({ late: 2, maxLateMs: 30, sendSeconds: 10.01 })]);
    expect(both).toMatchObject({
      rate: 2000,
      sent: 20000,
      achievedRate: 2000,
      responses: 24000,
      late: 2,
      maxLateMs: 30,
      sendSeconds: 10.01,
    });
    expect(both.delayDeciles).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0]);
    expect(() => parseFloodResult('{"rate":1}')).toThrow(/sent/);
  });

  it('takes CPU and RSS over the storm from the samples', () => {
    const samples = [0, 1000, 2000, 3000, 4000].map((at, i) => ({
      at,
      cpuMs: i * 500,
      rssKiB: 100_000 + i * 1000,
      peakRssKiB: 100_000 + i * 1000,
    }));
    const usage = stormUsage(samples, 1000, 3000);
    expect(usage.cpuMs).toBe(1000);
    expect(usage.cores).toBeCloseTo(0.5);
    expect(usage).toMatchObject({
      rssStartKiB: 101_000,
      rssEndKiB: 103_000,
      peakRssKiB: 103_000,
      secondHalfGrowthKiB: 1000,
    });
  });

  it('formats rates without exponents', () => {
    expect(formatRate(999.97)).toBe('1.00 k');
    expect(formatRate(49_999.7)).toBe('50.0 k');
    expect(formatRate(4.1)).toBe('4.10');
  });
});

function compiler(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// The generator itself, on loopback (multicast interface 127.0.0.1, a random high port): it paces, counts the
// answers of a responder, and flags the ones that come after MX. About 3 s.
describe.skipIf(!compiler())('the flood generator (loopback)', () => {
  it('sends at the rate, counts responses and flags late ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flood-test-'));
    compileC(findWorkspaceRoot(), 'storm/flood.c', 'flood', dir);
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    const responder = createSocket({ type: 'udp4', reuseAddr: true });
    await new Promise<void>((resolve) => responder.bind(port, '0.0.0.0', resolve));
    responder.addMembership('239.255.255.250', '127.0.0.1');
    let searches = 0;
    let delayed = 0;
    let immediate = 0;
    responder.on('message', (bytes, remote) => {
      searches += 1;
      const text = bytes.toString('latin1');
      if (!text.includes('ST: ssdp:all')) return;
      const mx = Number(/MX: (\d)/.exec(text)?.[1]);
      const answer = Buffer.from('HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n', 'latin1');
      // MX 1 searches are answered 1.3 s later (late), the others at once.
      if (mx === 1) delayed += 1;
      else immediate += 1;
      setTimeout(() => responder.send(answer, remote.port, remote.address), mx === 1 ? 1300 : 0);
    });
    try {
      // 60 ports x 100 ms: ports 0..9 take turns during the 1 s storm, MX = 1 + port mod 5.
      const child = spawn(join(dir, 'flood'), [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--rate',
        '500',
        '--duration-ms',
        '1000',
        '--drain-ms',
        '1500',
        '--sockets',
        '60',
        '--slot-ms',
        '100',
      ]);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      const result = parseFloodResult(out.trim());
      expect(result.sent).toBeGreaterThan(450);
      expect(result.sent).toBeLessThanOrEqual(500);
      expect(searches).toBe(result.sent);
      expect(delayed).toBeGreaterThan(10);
      expect(immediate).toBeGreaterThan(40);
      expect(result.responses).toBe(delayed + immediate);
      expect(result.late).toBe(delayed);
      expect(result.maxLateMs).toBeGreaterThan(150);
      expect(result.maxLateMs).toBeLessThan(400);
      expect(result.kernelTimestamps).toBe(result.responses);
    } finally {
      responder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
