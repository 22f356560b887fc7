// The engine's event sink: only wanted events are built and stamped, and a failing sink never takes the device down.
import type { Clock } from '@ssdp/runtime';
import type { UnstampedEvent } from './device-context.ts';
import { wantsEvent, type DeviceEvent, type DeviceEventName, type EventInterest } from './events.ts';

export interface EngineEvents {
  readonly wants: (name: DeviceEventName) => boolean;
  readonly emit: (event: UnstampedEvent) => void;
  /** A `warning` event, on one line. */
  readonly warn: (message: string) => void;
}

export function createEngineEvents(
  onEvent: (event: DeviceEvent) => void,
  interest: EventInterest,
  clock: Clock,
): EngineEvents {
  const wants = (name: DeviceEventName): boolean => wantsEvent(interest, name);
  const emit = (event: UnstampedEvent): void => {
    if (!wants(event.event)) return;
    // Stamped in place, not copied: every caller hands over a fresh object (a copy per search was measurable).
    (event as { time?: string }).time = new Date(clock.now()).toISOString();
    try {
      onEvent(event as DeviceEvent);
    } catch {
      // A failing sink must not take the device down.
    }
  };
  const warn = (message: string): void => emit({ event: 'warning', message: message.replace(/\s*\n\s*/g, ' ') });
  return { wants, emit, warn };
}
