// @ssdp/netns: throwaway network namespaces for multi-host tests and benchmarks (Linux, root).
export { netnsAvailable } from './available.ts';
export type { NetnsAvailability } from './available.ts';
export { createNetnsLab, listLabNamespaces, NetemUnavailableError, sweepStaleNamespaces } from './netns-lab.ts';
export type { LabHost, LabHostInit, LabInterface, LabLinkInit, NetnsLab, NetnsLabInit } from './netns-lab.ts';
export { createLineSplitter } from './line-splitter.ts';
export { startLabProcess } from './lab-process.ts';
export type { LabExit, LabProcess, LabProcessOptions } from './lab-process.ts';
export { createRemotePeer } from './remote-peer.ts';
export type { RemotePeer } from './remote-peer.ts';
export { CommandError } from './run-ip.ts';
export type { RunResult } from './run-ip.ts';
