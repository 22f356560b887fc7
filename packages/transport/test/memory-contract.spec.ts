import { MemoryNetwork } from '../src/memory-network.ts';
import { createMemoryTransport } from '../src/memory-transport.ts';
import { transportContract, type ContractHost } from '../src/contract/index.ts';

transportContract('memory network', {
  async setup() {
    const network = new MemoryNetwork({ seed: 7 });
    const contractHost = (n: number): ContractHost => {
      const host = network.addHost(`h${n}`, [
        { name: 'eth0', link: 'lan', ipv4: `10.0.0.${n}/24`, ipv6: [`fe80::${n}/64`, `fd00::${n}/64`] },
      ]);
      return {
        create: (options) => createMemoryTransport({ interfaces: ['eth0'], ...options }, { network, host }),
        occupyPort: async (port) => {
          const binding = host.occupyPort(`10.0.0.${n}`, port);
          return { release: async () => binding.close() };
        },
      };
    };
    return {
      hosts: [contractHost(1), contractHost(2), contractHost(3)],
      port: 1900,
      settleMs: 20,
      ipv6: true,
      broadcast: true,
    };
  },
  async teardown() {},
});
