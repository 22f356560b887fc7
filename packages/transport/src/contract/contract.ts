// The compliance suite every SsdpTransport passes (in the style of js-libp2p's interface-compliance-tests):
// the memory network, real UDP on loopback, and real UDP across network namespaces all run this one file.
import { describe } from 'vitest';
import { deliveryTests } from './contract-delivery.ts';
import { errorTests, ipv6Tests, lifecycleTests } from './contract-lifecycle.ts';
import { contractContext, type ContractOptions } from './contract-support.ts';

export type { ContractHarness, ContractHost, ContractOptions } from './contract-support.ts';

export function transportContract(label: string, options: ContractOptions): void {
  describe(`SsdpTransport contract: ${label}`, () => {
    const ctx = contractContext(options);
    deliveryTests(ctx);
    lifecycleTests(ctx);
    errorTests(ctx);
    ipv6Tests(ctx);
  });
}
