// Human summaries of the namespace runs (also pasted into docs/security.md).
import type { FuzzRunResult } from './fuzz-run.ts';

const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;

export function fuzzSummary(result: FuzzRunResult): string {
  const checks = result.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail === '' ? '' : `: ${c.detail}`}`);
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
    `by category: ${Object.entries(result.attacker.byCategory).map(([c, n]) => `${c} ${n}`).join(', ')}`,
    `device verdicts: ${JSON.stringify(result.attacker.device)}; off-link ${result.outsider.sent}`,
    `device counters: ${JSON.stringify(result.device.stats)}`,
    `controller verdicts: ${JSON.stringify(result.attacker.controller)}`,
    `controller drops: ${JSON.stringify(result.controller.drops)}; registry max ${result.controller.maxRegistry}, added ${result.controller.added}, removed ${JSON.stringify(result.controller.removed)}, describe-failed ${JSON.stringify(result.controller.describeFailed)}, ${result.controller.stdoutLines} stdout lines`,
    rss('device'),
    rss('controller'),
    ...checks,
  ].join('\n');
}
