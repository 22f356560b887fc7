// A process in a lab host as the benchmarks run one: started by tools/netns's startLabProcess (the one process
// harness of e2e, fuzz and bench), its output collected line by line, at the benchmark's lab niceness.
import { startLabProcess, type LabProcess, type NetnsLab } from '@ssdp/netns';
import { setLabPriority } from './lab-priority.ts';
import { createLineCollector, type LineCollector } from './line-collector.ts';

export interface LabChildInit {
  readonly lab: NetnsLab;
  readonly host: string;
  readonly file: string;
  readonly args: readonly string[];
  /** Niceness for the process (see setLabPriority). */
  readonly priority?: number | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /** Write stdout to this descriptor instead of a pipe (then no stdout lines are collected). */
  readonly stdoutFd?: number;
  /** Also copy its stderr lines to ours (a helper process's complaints belong in the benchmark's log). */
  readonly echoStderr?: boolean;
  /** Called with each stdout line as it comes, before it is collected. */
  readonly onStdoutLine?: (line: string) => void;
}

export interface LabChild {
  readonly process: LabProcess;
  readonly stdout: LineCollector;
  readonly stderr: LineCollector;
}

export function startLabChild(init: LabChildInit): LabChild {
  const stdout = createLineCollector(init.onStdoutLine);
  const stderr = createLineCollector(
    init.echoStderr === true ? (line) => process.stderr.write(`${line}\n`) : undefined,
  );
  const running = startLabProcess(init.lab, init.host, init.file, init.args, {
    ...(init.env === undefined ? {} : { env: init.env }),
    ...(init.stdoutFd === undefined ? {} : { stdoutFd: init.stdoutFd }),
    onStdoutLine: stdout.push,
    onStderrLine: stderr.push,
  });
  setLabPriority(running.child.pid, init.priority);
  return { process: running, stdout, stderr };
}
