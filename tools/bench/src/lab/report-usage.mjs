// Preloaded into a measured process (`node --import <this file> ...`): when the process exits it writes its own
// resource usage (getrusage: user and system CPU of all its threads, and the peak RSS) to $BENCH_USAGE_FILE.
// Exact, unlike sampling /proc from outside, which misses the last interval before exit.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env.BENCH_USAGE_FILE;
if (file !== undefined && file !== '') {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        pid: process.pid,
        userCpuMs: usage.userCPUTime / 1000,
        systemCpuMs: usage.systemCPUTime / 1000,
        maxRssKiB: usage.maxRSS,
      }),
    );
  });
}
