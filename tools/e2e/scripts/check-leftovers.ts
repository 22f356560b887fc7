// After an e2e run (passed, failed or killed by the CI time budget): removes and reports whatever the suites
// left behind: namespaces of ours whose creating process is gone, and processes started by any e2e run.
// Exit 1 if there was anything (or if a namespace of ours is still owned by a live process). For .ci/run.
import { cleanLeftovers } from '../src/lab.ts';
import { netnsAvailable } from '@ssdp/netns';

const availability = netnsAvailable();
if (!availability.ok) {
  process.stdout.write(`check-leftovers: nothing to check (${availability.reason})\n`);
  process.exit(0);
}
const leftovers = await cleanLeftovers(undefined);
const problems = [
  ...leftovers.sweptNamespaces.map((n) => `leaked namespace ${n} (deleted now)`),
  ...leftovers.liveNamespaces.map((n) => `namespace ${n} still owned by a live process`),
  ...leftovers.killedProcesses.map((p) => `leaked process ${p.pid} ${p.command} (killed now)`),
];
if (problems.length > 0) {
  process.stderr.write(`check-leftovers: the e2e suites left things behind:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write('check-leftovers: no e2e namespace and no e2e process left\n');
