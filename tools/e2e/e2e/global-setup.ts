// Once per e2e run: a run id that every started process carries (see src/child-marker.ts), a loud line when the
// machine cannot run namespaces, and at the end the proof that nothing is left: no namespace of ours whose
// creator is gone, no process of this run. Leftovers are removed and fail the run.
import { randomBytes } from 'node:crypto';
import { RUN_ENV } from '../src/child-marker.ts';
import { availability, cleanLeftovers } from '../src/lab.ts';

export default function setup(): () => Promise<void> {
  const runId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  process.env[RUN_ENV] = runId;
  if (!availability.ok) {
    process.stderr.write(`\ne2e: every suite is SKIPPED: ${availability.reason}\n\n`);
    return async () => undefined;
  }
  return async () => {
    const leftovers = await cleanLeftovers(runId);
    const problems = [
      ...leftovers.sweptNamespaces.map((n) => `namespace ${n} (deleted now)`),
      ...leftovers.killedProcesses.map((p) => `process ${p.pid} ${p.command} (killed now)`),
    ];
    if (problems.length > 0) throw new Error(`e2e run ${runId} left things behind:\n  ${problems.join('\n  ')}`);
    process.stderr.write(`e2e: run ${runId} left no namespace and no process behind\n`);
  };
}
