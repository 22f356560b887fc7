// Why the guard closed a connection. A closed union: stats and onDrop use exactly these names.

export const HTTP_DROP_REASONS = [
  'http-source-cap',
  'http-global-cap',
  'http-header-deadline',
  'http-request-deadline',
  'http-idle',
] as const;

export type HttpDropReason = (typeof HTTP_DROP_REASONS)[number];

/** A zeroed count for every reason. */
export function emptyDropCounts(): Record<HttpDropReason, number> {
  return Object.fromEntries(HTTP_DROP_REASONS.map((reason) => [reason, 0])) as Record<HttpDropReason, number>;
}
