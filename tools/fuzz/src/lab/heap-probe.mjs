// Preloaded into the apps under test by the fuzz run (node --expose-gc --import this): on SIGUSR2 it runs a full
// garbage collection and writes what is still referenced to a file named after the pid. RSS after a flood is the
// allocators' high-water mark; this is what a leak check should compare.
import { renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';

process.on('SIGUSR2', () => {
  const gc = globalThis.gc;
  if (typeof gc !== 'function') return;
  gc();
  gc();
  const { heapUsed, external, arrayBuffers, rss } = process.memoryUsage();
  const file = path.join(tmpdir(), `ssdp-heap-probe-${process.pid}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify({ heapUsed, external, arrayBuffers, rss }));
  renameSync(`${file}.tmp`, file); // the harness never reads half a file
});
