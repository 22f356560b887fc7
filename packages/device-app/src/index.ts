// @ssdp/device-app is the ssdp-device command (bin/ssdp-device.js). For the device itself, use @ssdp/device.
export type { CliIo } from '@ssdp/cli-kit';
export { runCli, type CliRuntime } from './run-cli.ts';
export { createOutput, outputInterest } from './output.ts';
