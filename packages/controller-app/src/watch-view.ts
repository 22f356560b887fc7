// --watch in a terminal: a table of the registry redrawn in place (cursor home, rewrite, clear the rest), at
// most a few times a second, plus once a second so "expires in" counts down. The last few events stay visible
// under the table.
import type { Clock, TimerHandle } from '@ssdp/runtime';
import type { ControlPointEvent, DiscoveredDevice } from '@ssdp/control-point';
import { displayName, humanLine } from './output.ts';

export interface WatchViewInit {
  /** Terminal width; lines are cut to it. */
  readonly columns?: number;
  /** Most table rows shown. Default 40. */
  readonly maxRows?: number;
  readonly redrawMs?: number;
}

export interface WatchViewComponents {
  readonly clock: Clock;
  readonly devices: () => readonly DiscoveredDevice[];
  /** Raw terminal output (no newline added). */
  readonly write: (text: string) => void;
}

export interface WatchView {
  onEvent(event: ControlPointEvent): void;
  /** Draws now. */
  render(): void;
  stop(): void;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function status(device: DiscoveredDevice): string {
  switch (device.describe) {
    case 'described':
      return 'alive';
    case 'failed':
      return `alive, ${device.describeError ?? 'describe failed'}`;
    case 'pending':
      return 'describing';
    case 'skipped':
      return 'alive';
  }
}

function shortType(type: string | null): string {
  if (type === null) return '-';
  const parts = type.split(':');
  return parts.length >= 5 ? `${parts[parts.length - 2]}:${parts[parts.length - 1]}` : type;
}

/** The table as lines (exported for tests). */
export function renderTable(devices: readonly DiscoveredDevice[], now: number, maxRows: number): string[] {
  const header = ['NAME', 'TYPE', 'ADDRESS', 'LAST SEEN', 'EXPIRES IN', 'STATUS'];
  const rows = devices
    .slice()
    .sort((a, b) => displayName(a).localeCompare(displayName(b)))
    .slice(0, maxRows)
    .map((d) => [
      displayName(d),
      shortType(d.deviceType),
      d.address,
      `${ago(now - Date.parse(d.lastSeen))} ago`,
      ago(Date.parse(d.expiresAt) - now),
      status(d),
    ]);
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (cell.length > widths[i]! ? `${cell.slice(0, widths[i]! - 1)}…` : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [format(header), ...rows.map(format)];
  if (devices.length > maxRows) lines.push(`… and ${devices.length - maxRows} more`);
  return lines;
}

export function createWatchView(init: WatchViewInit, components: WatchViewComponents): WatchView {
  const { clock, devices, write } = components;
  const maxRows = init.maxRows ?? 40;
  const redrawMs = init.redrawMs ?? 200;
  // Some terminals (and `script`) report 0 columns: then do not cut.
  const columns = init.columns !== undefined && init.columns > 0 ? init.columns : Number.POSITIVE_INFINITY;
  const recent: string[] = [];
  let timer: TimerHandle | undefined;
  let dirtyTimer: TimerHandle | undefined;
  let stopped = false;

  function render(): void {
    const now = clock.now();
    const list = devices();
    const lines = [
      `ssdp-controller: ${list.length} device${list.length === 1 ? '' : 's'}  ${new Date(now).toISOString()}`,
      '',
      ...renderTable(list, now, maxRows),
      '',
      ...recent,
    ].map((line) => (line.length > columns ? line.slice(0, columns) : line));
    // Home, each line cleared to its end, then clear whatever the previous frame left below.
    write(`\x1b[H${lines.map((line) => `${line}\x1b[K`).join('\n')}\n\x1b[J`);
  }

  function tick(): void {
    timer = undefined;
    if (stopped) return;
    render();
    timer = clock.setTimeout(tick, 1000);
  }

  return {
    onEvent(event) {
      if (stopped) return;
      if (event.event === 'search-sent' || event.event === 'message-received' || event.event === 'dropped') return;
      const line = humanLine(event, false);
      if (line !== undefined) {
        recent.push(`${new Date(event.time).toISOString().slice(11, 19)} ${line}`);
        if (recent.length > 5) recent.shift();
      }
      if (dirtyTimer === undefined) {
        dirtyTimer = clock.setTimeout(() => {
          dirtyTimer = undefined;
          if (!stopped) render();
        }, redrawMs);
      }
      if (timer === undefined) timer = clock.setTimeout(tick, 1000);
    },
    render() {
      render();
      if (timer === undefined && !stopped) timer = clock.setTimeout(tick, 1000);
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      if (dirtyTimer !== undefined) clock.clearTimeout(dirtyTimer);
    },
  };
}
