// Benchmark 5's receivers: how each one is started in the receiver host, and how its output is read.
import { join } from 'node:path';
import { bareOutcome, nodeSsdpOutcome, oursOutcome, type ReceiverName, type ReceiverOutcome } from './burst-trial.ts';

export interface ReceiverSetting {
  /** The workspace root. */
  readonly root: string;
  /** The receiver host's address. */
  readonly address: string;
  readonly mx: number;
  readonly recvBuffer: number;
  /** Extra node flags for our controller. */
  readonly oursNodeFlags: readonly string[];
  /** Devices in the burst. */
  readonly size: number;
}

/** The receiver's process: script, node flags and arguments. */
export function receiverCommand(
  receiver: ReceiverName,
  setting: ReceiverSetting,
): { script: string; nodeFlags: string[]; args: string[] } {
  const listenMs = String((setting.mx + 1) * 1000);
  if (receiver === 'node-ssdp')
    return {
      script: join(setting.root, 'tools/bench/src/discovery/node-ssdp-client.ts'),
      nodeFlags: ['--import', 'tsx'],
      args: ['--listen-ms', listenMs],
    };
  if (receiver === 'bare') {
    return {
      script: join(setting.root, 'tools/bench/src/burst/bare-receiver.ts'),
      nodeFlags: ['--import', 'tsx'],
      args: ['--address', setting.address, '--listen-ms', listenMs, '--recv-buffer', String(setting.recvBuffer)],
    };
  }
  return {
    script: join(setting.root, 'packages/controller-app/bin/ssdp-controller.js'),
    nodeFlags: [...setting.oursNodeFlags],
    args: [
      '--interface',
      setting.address,
      '--once',
      '--json',
      '--mx',
      String(setting.mx),
      '--recv-buffer',
      String(setting.recvBuffer),
      '--max-devices',
      String(Math.max(10_000, setting.size)),
      ...(receiver === 'ours-no-describe' ? ['--no-describe'] : []),
    ],
  };
}

/** The receiver's outcome from its stdout lines. */
export function outcomeOf(receiver: ReceiverName, lines: readonly string[]): ReceiverOutcome {
  if (receiver === 'node-ssdp') return nodeSsdpOutcome(lines);
  if (receiver === 'bare') return bareOutcome(lines);
  return oursOutcome(lines);
}
