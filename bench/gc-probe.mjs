// Loaded into the bench's worker process (`node --expose-gc --import ./bench/gc-probe.mjs`), never into
// production: on SIGUSR2 it forces a full garbage collection and prints the process's memory on one line,
// so bench/sandbox.ts reads a worker's memory without the garbage a GC had not yet collected.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  console.log(`[gc-probe] ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external })}`);
});
