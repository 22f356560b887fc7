// @ssdp/transport/contract: the compliance suite every SsdpTransport passes (needs vitest).
export { transportContract } from './contract.ts';
export type { ContractHarness, ContractHost, ContractOptions } from './contract.ts';
