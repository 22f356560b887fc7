// @ssdp/device-app is the ssdp-device command (bin/ssdp-device.js). For the device itself, use @ssdp/device.
export { runCli, type CliIo, type CliRuntime } from './run-cli.ts';
export { createOutput, outputInterest } from './output.ts';
