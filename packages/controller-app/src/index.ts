// @ssdp/controller-app is the ssdp-controller command (bin/ssdp-controller.js). For the control point itself,
// use @ssdp/control-point.
export type { CliIo } from '@ssdp/cli-kit';
export { runCli, type CliComponents } from './run-cli.ts';
export { createEventPrinter, humanLine } from './output.ts';
