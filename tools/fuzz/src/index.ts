// @ssdp/fuzz: seeded hostile-datagram generators and the oracle of what each app must do with them. The
// namespace runs (fuzz, amplification, hostile devices, faults) are scripts of this package (see README.md).
export { CATEGORIES, DEFAULT_WEIGHTS, MAX_UDP_PAYLOAD, createGenerator, messageText, mutate } from './generators.ts';
export type { FuzzCategory, FuzzContext, FuzzDatagram, FuzzDestination, FuzzGenerator } from './generators.ts';
export { CONTROLLER_STATEFUL_DROPS, DEVICE_PARSE_LIMITS, judgeForController, judgeForDevice } from './oracle.ts';
export type { ControllerVerdict, DeviceJudgement, DeviceVerdict } from './oracle.ts';
export { createRandom } from './random.ts';
export type { FuzzRandom } from './random.ts';
export { DEFAULT_VECTORS_DIR, loadVectors } from './vectors.ts';
export type { Vector } from './vectors.ts';
