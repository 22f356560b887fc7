// `ssdp-controller --once` must print its list only after every description has finished, even when many
// slow-but-healthy descriptions queue behind the describer's limits (8 at once, 4 per sender address: this fleet
// is one host, so ~30 s here; each fetch has its own 3 s deadline, so the wait is bounded by
// ceil(outstanding / min(concurrency, per-sender)) deadlines).
import { fileURLToPath } from 'node:url';
import type { NetnsLab } from '@ssdp/netns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runControllerOnce, type ControllerOnce } from '../src/apps.ts';
import { startInHost, type HostProcess } from '../src/host-process.ts';
import { availability, createE2eLab, skipReason } from '../src/lab.ts';

const FIXTURE = fileURLToPath(new URL('../src/fixtures/slow-description-fleet.ts', import.meta.url));
const COUNT = 200;
const DELAY_MS = 600;

describe.skipIf(!availability.ok)(`ssdp-controller --once with slow descriptions${skipReason}`, () => {
  let lab: NetnsLab;
  let fleet: HostProcess | undefined;
  let once: ControllerOnce;

  beforeAll(async () => {
    lab = await createE2eLab({ hosts: ['fleet', 'controller'] });
  });
  afterAll(async () => {
    await fleet?.stop();
    await lab?.destroy();
  });

  it(`finds all ${COUNT} roots of a fleet whose descriptions each take ${DELAY_MS} ms`, async () => {
    fleet = startInHost(lab, 'fleet', process.execPath, [
      '--import',
      'tsx',
      FIXTURE,
      lab.host('fleet').interfaces[0]!.address,
      String(COUNT),
      String(DELAY_MS),
    ]);
    await fleet.waitForOutput(/^ready \d+/, 'the slow fleet listening', { stream: 'stdout' });
    once = await runControllerOnce(lab, 'controller', ['--interface', 'eth0', '--mx', '1'], 150_000);
    expect(once.run.code, once.run.stderr).toBe(0);
    expect(once.found).toHaveLength(COUNT);
    // No fetch failed: every one of them is well inside the 3 s deadline.
    expect(
      once.found
        .filter((d) => d.describe !== 'described' && d.describe !== 'pending')
        .map((d) => `${d.udn} ${d.describe}`),
    ).toEqual([]);
    const pending = once.found.filter((d) => d.describe === 'pending').length;
    console.info(
      `[measure] --once printed ${COUNT - pending} described and ${pending} still pending after ${once.run.durationMs} ms`,
    );
  }, 180_000);

  it('--once prints the list only after every description has finished (none "pending", all named)', () => {
    expect(once.found.filter((d) => d.describe === 'pending' || d.friendlyName === null).map((d) => d.udn)).toEqual([]);
  });
});
