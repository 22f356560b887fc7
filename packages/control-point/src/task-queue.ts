// The work loop's low-priority tasks (description fetches, XML, event output): first in, first out, with the time
// the oldest has been waiting, so a storm that never ends cannot starve them for good.

export interface TaskQueue {
  push(task: () => void, now: number): void;
  /** Runs the oldest task; a throw goes to `onError`. */
  runNext(): void;
  readonly size: number;
  /** When the oldest waiting task was queued (or re-armed by `waited`), or -1 when none waits. */
  readonly since: number;
  /** Some ran and some still wait: they count as waiting from `now`. */
  waited(now: number): void;
  clear(): void;
}

export function createTaskQueue(onError: (error: unknown) => void): TaskQueue {
  let tasks: (() => void)[] = [];
  let head = 0;
  let since = -1;

  function clear(): void {
    tasks = [];
    head = 0;
    since = -1;
  }

  return {
    push(task, now) {
      if (tasks.length === head) since = now;
      tasks.push(task);
    },
    runNext() {
      const task = tasks[head]!;
      tasks[head] = undefined as unknown as () => void;
      head += 1;
      if (head === tasks.length) clear();
      else if (head > 1024 && head * 2 > tasks.length) {
        tasks = tasks.slice(head);
        head = 0;
      }
      try {
        task();
      } catch (error) {
        onError(error);
      }
    },
    get size() {
      return tasks.length - head;
    },
    get since() {
      return since;
    },
    waited(now) {
      since = now;
    },
    clear,
  };
}
