// Public surface of @ssdp/runtime: the injected clock and the one scheduler every engine runs its deadlines on.
export { createSystemClock } from './clock.ts';
export type { Clock, TimerHandle } from './clock.ts';
export { createScheduler } from './scheduler.ts';
export type { ScheduledTask, Scheduler, SchedulerComponents } from './scheduler.ts';
