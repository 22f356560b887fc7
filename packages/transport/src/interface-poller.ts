/* The UDP transport's interface poll: runs `poll` every `pollMs` while `running`, never two at once. */
import type { Clock, TimerHandle } from '@ssdp/runtime';

export interface InterfacePoller {
  schedule(): void;
  cancel(): void;
}

export function createInterfacePoller(
  clock: Clock,
  pollMs: number,
  running: () => boolean,
  poll: () => Promise<void>,
): InterfacePoller {
  let timer: TimerHandle | undefined;
  let polling = false;
  const once = async (): Promise<void> => {
    if (polling || !running()) return;
    polling = true;
    try {
      await poll();
    } finally {
      polling = false;
    }
  };
  const schedule = (): void => {
    if (pollMs <= 0 || !running()) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      void once().finally(schedule);
    }, pollMs);
  };
  return {
    schedule,
    cancel() {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
