// Human summaries of the namespace runs (also pasted into docs/security.md).
import type { AmplificationResult } from './amplification.ts';
import type { FuzzRunResult } from './fuzz-run.ts';
import type { HostileResult } from './hostile-devices.ts';

const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;

export function fuzzSummary(result: FuzzRunResult): string {
  const checks = result.checks.map(
    (c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail === '' ? '' : `: ${c.detail}`}`,
  );
  const total = result.attacker.sent + result.attacker.cleanupByebyes + result.outsider.sent;
  const rss = (name: 'device' | 'controller'): string => {
    const r = result[name].rss;
    const perDatagram = (result[name].cpuMs * 1000) / Math.max(1, result.attacker.sent);
    return `${name}: RSS baseline ${mib(r.baselineKiB)}, peak ${mib(r.peakKiB)}, right after ${mib(r.afterFloodKiB)}, settled ${mib(r.afterKiB)}; CPU during the flood ${(result[name].cpuMs / 1000).toFixed(1)} s (${perDatagram.toFixed(0)} µs per datagram)`;
  };
  return [
    `fuzz: ${total} datagrams (seed ${result.seed}; apps with NODE_OPTIONS ${result.nodeOptions ?? '(none)'}; ${result.attacker.sent} from the on-link attacker, ${result.attacker.cleanupByebyes} clean-up byebyes, ${result.outsider.sent} off-link), ` +
      `${mib(Math.round((result.attacker.bytes + result.outsider.bytes) / 1024))}, largest ${result.attacker.largestDatagram} B, in ${(result.attacker.durationMs / 1000).toFixed(1)} s ` +
      `(${Math.round(result.attacker.sent / (result.attacker.durationMs / 1000))}/s); whole run ${(result.durationMs / 1000).toFixed(1)} s`,
    `by category: ${Object.entries(result.attacker.byCategory)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ')}`,
    `device verdicts: ${JSON.stringify(result.attacker.device)}; off-link ${result.outsider.sent}`,
    `device counters: ${JSON.stringify(result.device.stats)}`,
    `controller verdicts: ${JSON.stringify(result.attacker.controller)}`,
    `controller drops: ${JSON.stringify(result.controller.drops)}; registry max ${result.controller.maxRegistry}, added ${result.controller.added}, removed ${JSON.stringify(result.controller.removed)}, describe-failed ${JSON.stringify(result.controller.describeFailed)}, ${result.controller.stdoutLines} stdout lines`,
    rss('device'),
    rss('controller'),
    ...checks,
  ].join('\n');
}

export function amplificationTable(result: AmplificationResult): string {
  const rows = result.scenarios.map((r) => {
    const f = r.flood;
    const steady =
      r.steadySeconds === 0
        ? '- | -'
        : `${r.steadyRatio.toFixed(2)} (from s ${r.engagedAtS}) | ${r.steadyRepliesPerSecond.toFixed(1)}`;
    return `| ${r.scenario.name} | ${r.scenario.what} | ${r.durationS} | ${f.searches} (${f.searchBytes} B each) | ${f.responses} | ${r.ratio.toFixed(2)} | ${steady} | ${r.warmupReplies} | ${r.maxPending} | ${r.socketDrops} | ${(r.rss.baselineKiB / 1024).toFixed(0)} -> ${(r.rss.peakKiB / 1024).toFixed(0)} |`;
  });
  return [
    'in = the searches\' UDP payload bytes, out = the answers\'; "engaged" = from the first rate-limit drop plus one response window (answers granted before it still go out), or from the last of those answers if the device ran late, to the end',
    '| scenario | flood | s | searches | answers | out/in | out/in engaged | answers/s engaged | answers in the first 2 s | max pending | kernel drops | device RSS MiB (base -> peak) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export function hostileTable(result: HostileResult): string {
  const rows = result.outcomes.map(
    (o) =>
      `| ${o.attack} | ${o.reason ?? '-'}${o.code === undefined ? '' : ` ${o.code}`} | ${o.costMs ?? '-'} | ${o.serverConnections} | ${o.serverBytes} | ${o.serverLongestMs} |`,
  );
  const g = result.good;
  return [
    '| attack (LOCATION) | reported as | ms to describe-failed | connections | bytes the server wrote | longest connection ms |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    `NOTIFY flood: ${result.flood.sent} random UDNs in ${result.flood.durationMs} ms, --max-devices ${result.flood.maxDevices} -> registry max ${result.flood.maxRegistry}, ${result.flood.added} added, ${result.flood.evicted} evicted, ${result.flood.fetches} slowloris fetches, ${result.flood.socketDrops} kernel drops`,
    `good device: discovered ${g.discoveredAfterMs ?? 'never'} ms after it started (during the attacks: ${g.duringAttacks}), described ${g.describedAfterMs === undefined ? 'not within the run' : `after ${g.describedAfterMs} ms`}`,
    `controller RSS: baseline ${(result.rss.baselineKiB / 1024).toFixed(1)} MiB, peak ${(result.rss.peakKiB / 1024).toFixed(1)} MiB, after ${(result.rss.afterKiB / 1024).toFixed(1)} MiB; victim host contacted ${result.victimConnections} times`,
  ].join('\n');
}
