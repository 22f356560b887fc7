import { transportContract, type ContractHost } from '@ssdp/transport/contract';
import { afterAll, describe, it } from 'vitest';
import { netnsAvailable } from '../src/available.ts';
import { createNetnsLab, type NetnsLab } from '../src/netns-lab.ts';
import { createRemotePeer, type RemotePeer } from '../src/remote-peer.ts';

// Real UDP between network namespaces: each host is a namespace on one bridge, each transport lives in a peer
// process inside its namespace. Host 0 has two peer processes, used in turn, so "two of ours share the port"
// runs across two processes.
const availability = netnsAvailable();

if (!availability.ok) {
  describe('SsdpTransport contract: UDP across network namespaces', () => {
    it.skip(`skipped: ${availability.reason}`, () => undefined);
  });
} else {
  let lab: NetnsLab | undefined;
  let peers: { host: string; processes: RemotePeer[] }[] = [];
  let nextPort = 1900;

  const ready = (async () => {
    lab = await createNetnsLab({ hosts: ['a', 'b', 'c'] });
    const l = lab;
    const [a1, a2, b, c] = await Promise.all([
      createRemotePeer(l, 'a'),
      createRemotePeer(l, 'a'),
      createRemotePeer(l, 'b'),
      createRemotePeer(l, 'c'),
    ]);
    peers = [
      { host: 'a', processes: [a1, a2] },
      { host: 'b', processes: [b] },
      { host: 'c', processes: [c] },
    ];
  })();
  ready.catch(() => undefined);

  afterAll(async () => {
    await Promise.allSettled(peers.flatMap((p) => p.processes.map((r) => r.close())));
    await lab?.destroy();
  });

  const contractHost = (index: number): ContractHost => {
    let turn = 0;
    return {
      create: (options) => {
        const { processes } = peers[index]!;
        const peer = processes[turn++ % processes.length]!;
        return peer.createTransport({ interfaces: ['eth0'], ...options });
      },
      occupyPort: (port) => {
        const { host, processes } = peers[index]!;
        return processes[0]!.occupyPort(lab!.host(host).interfaces[0]!.address, port);
      },
    };
  };

  transportContract('UDP across network namespaces', {
    async setup() {
      await ready;
      nextPort += 1;
      return {
        hosts: [contractHost(0), contractHost(1), contractHost(2)],
        port: nextPort,
        settleMs: 150,
        ipv6: true,
        broadcast: true,
      };
    },
    async teardown() {},
  });
}
