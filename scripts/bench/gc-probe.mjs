// Loaded into the bench's worker process (`node --expose-gc --import <this file>`), never into
// production: on SIGUSR2 it forces a full garbage collection and prints the process's memory on one line,
// so scripts/bench/sandbox.ts reads a worker's memory without the garbage a GC had not yet collected.
let probe = 0;
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  console.log(
    `[gc-probe] ${JSON.stringify({ probe: ++probe, rss: m.rss, heapUsed: m.heapUsed, external: m.external })}`,
  );
});
