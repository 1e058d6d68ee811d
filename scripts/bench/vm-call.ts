/**
 * What one call into a V8 context costs (node:vm), with and without a time-out: the SDK enters the
 * workflow sandbox with its `isolateExecutionTimeout` (5 s) several times per workflow task, and Node
 * starts a watchdog thread for each call that has a time-out. The price the SDK pays per entry,
 * whatever the workflow does (scripts/bench/sandbox.ts prints it beside the replay figure).
 */
import { createContext, Script } from 'node:vm';
import { performance } from 'node:perf_hooks';

export function vmCallMicroseconds(calls = 20_000): { withTimeout: number; without: number } {
  const context = createContext({}, { microtaskMode: 'afterEvaluate' });
  const script = new Script('1 + 1');
  const time = (options: { timeout?: number }) => {
    for (let i = 0; i < 1_000; i++) script.runInContext(context, options);
    const t = performance.now();
    for (let i = 0; i < calls; i++) script.runInContext(context, options);
    return ((performance.now() - t) * 1_000) / calls;
  };
  return { withTimeout: time({ timeout: 5_000 }), without: time({}) };
}
