// The niceness of a benchmark's lab processes (--priority): set per process, put back for our session at the end.
import { writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Gives a lab process a niceness: its main thread (os.setPriority; threads and children it starts inherit it) and,
 * where the kernel groups processes by session (sched_autogroup), its autogroup, because across autogroups only
 * the group's niceness counts. The autogroup is the benchmark's own session (lab processes are its children). On
 * a machine shared with other people's CI, a negative value keeps the measured processes from being starved by
 * unrelated load; the benchmarks record the value they used. 0 or undefined: leave it alone.
 */
export function setLabPriority(pid: number | undefined, priority: number | undefined): void {
  if (pid === undefined || priority === undefined || priority === 0) return;
  try {
    setPriority(pid, priority);
  } catch {
    // Not allowed (not root) or already gone: measure at the default priority.
  }
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(priority));
  } catch {
    // No autogroups in this kernel, or not allowed.
  }
}

/** Puts the benchmark's autogroup back to niceness 0 (setLabPriority raised it for the whole session). */
export function resetLabPriority(priority: number | undefined): void {
  if (priority === undefined || priority === 0) return;
  try {
    writeFileSync('/proc/self/autogroup', '0');
  } catch {
    // No autogroups in this kernel.
  }
}
