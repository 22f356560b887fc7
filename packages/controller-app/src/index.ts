// @ssdp/controller-app is the ssdp-controller command (bin/ssdp-controller.js). For the control point itself,
// use @ssdp/control-point.
export { runCli, type CliComponents, type CliIo } from './run-cli.ts';
export { createEventPrinter, humanLine } from './output.ts';
