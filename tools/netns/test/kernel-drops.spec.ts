import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netnsAvailable } from '../src/available.ts';
import { createNetnsLab, type NetnsLab } from '../src/netns-lab.ts';

// Issue 13, "losses are counted, never silent": a burst larger than a deliberately small receive buffer must
// show up, exactly, in the transport's kernelDrops(). The receiver and the sender are two hosts of a throwaway
// lab (namespaces on one bridge); nothing touches the host namespace.
const availability = netnsAvailable();
const fixture = fileURLToPath(new URL('./fixtures/kernel-drops-burst.ts', import.meta.url));

interface BurstResult {
  readonly address: string;
  readonly sent: number;
  readonly received: number;
  readonly before: { readonly kernelDrops: number | undefined; readonly rcvbufErrors: number };
  readonly kernelDrops: number | undefined;
  readonly rcvbufErrors: number;
  readonly bySocket: readonly { socket: string; interfaceId?: string; inode?: number; drops?: number }[];
  readonly receiveBuffer: { requested: number; granted?: number; clamped: boolean; hint?: string } | undefined;
  readonly afterStop: number | undefined;
}

describe.skipIf(!availability.ok)(
  `kernel drops in a network namespace${availability.ok ? '' : ` (skipped: ${availability.reason})`}`,
  () => {
    let lab: NetnsLab;

    beforeAll(async () => {
      lab = await createNetnsLab({ hosts: ['rx', 'tx'] });
    });
    afterAll(async () => {
      await lab?.destroy();
    });

    it('counts every datagram of a burst that a 4 KiB receive buffer could not hold: sent - received === kernelDrops()', async () => {
      const count = 500;
      const { stdout } = await lab.exec(
        'rx',
        process.execPath,
        [
          '--import',
          'tsx',
          fixture,
          JSON.stringify({
            senderNamespace: lab.host('tx').namespace,
            count,
            payloadBytes: 200,
            receiveBufferSize: 4096,
          }),
        ],
        { timeoutMs: 80_000 },
      );
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as BurstResult;

      expect(result.address).toMatch(
        new RegExp(`^${lab.host('rx').interfaces[0]!.address.replaceAll('.', '\\.')}:\\d+$`),
      );
      expect(result.before.kernelDrops).toBe(0);
      expect(result.sent).toBe(count);
      expect(result.kernelDrops).toBeGreaterThan(0);
      expect(result.sent - result.received).toBe(result.kernelDrops);
      // The namespace's own counter agrees, and the count stays readable after stop.
      expect(result.rcvbufErrors).toBe(result.kernelDrops);
      expect(result.afterStop).toBe(result.kernelDrops);
      expect(result.bySocket).toEqual([
        {
          socket: `unicast ${result.address}`,
          interfaceId: 'eth0/IPv4',
          inode: expect.any(Number),
          drops: result.kernelDrops,
        },
      ]);
      // Linux grants twice the request; 4096 is far below any rmem_max, so nothing was capped.
      expect(result.receiveBuffer).toMatchObject({ requested: 4096, granted: 8192, clamped: false });
      expect(result.receiveBuffer?.hint).toBeUndefined();
    });
  },
);
