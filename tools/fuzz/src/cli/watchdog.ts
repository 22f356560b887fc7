// A last resort for the namespace runs: if a run is still going after `ms`, say so and exit 1 (the netns lab's
// exit hook then deletes every namespace), so CI never hangs on a stuck child.
export function watchdog(name: string, ms: number): void {
  setTimeout(() => {
    process.stderr.write(`${name}: still running after ${Math.round(ms / 1000)} s; giving up\n`);
    process.exit(1);
  }, ms).unref();
}
