// @ssdp/transport/testing: the compliance suite for SsdpTransport implementations.
export { transportContract } from './contract.ts';
export type { ContractHarness, ContractHost, ContractOptions } from './contract.ts';
