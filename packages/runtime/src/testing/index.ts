// @ssdp/runtime/testing: a clock that moves only when told, for tests, scripts and benchmarks (ours and users').
export { createManualClock } from './manual-clock.ts';
export type { ManualClock } from './manual-clock.ts';
