// Public surface of @ssdp/http-guard: per-source and global connection caps and header/request/idle deadlines
// for any node:http Server, against slow-connection floods (slowloris and friends).
export { guardHttpServer } from './guard-http-server.ts';
export type { HttpGuard, HttpGuardStats } from './guard-http-server.ts';
export { HTTP_GUARD_DEFAULTS, MAX_TIMEOUT_MS, resolveHttpGuardOptions } from './options.ts';
export type { HttpGuardLimits, HttpGuardOptions } from './options.ts';
export { HTTP_DROP_REASONS } from './drop-reasons.ts';
export type { HttpDropReason } from './drop-reasons.ts';
export { HttpGuardError, isHttpGuardError } from './errors.ts';
export type { HttpGuardErrorCode } from './errors.ts';
export { normalizeRemoteAddress } from './remote-address.ts';
