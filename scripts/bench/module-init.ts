/**
 * The workflow bundle's module initialisation per workflow, measured with the SDK's own reusable V8
 * context (node_modules/@temporalio/worker/lib/workflow/reusable-vm.js, what a Worker runs): the bundle is
 * evaluated once; the modules it loads then (the SDK's worker interface and the bundle's
 * `preloadModules`) are shared; every module the workflow code imports is evaluated again, into a module
 * cache of each workflow's own, whenever a workflow is created (a new incident, or a replay after a
 * cache miss). Times `createWorkflow` (the workflow's activator, interceptors and module initialisation,
 * before its first activation) and the heap each created workflow keeps.
 */
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface VMWorkflow {
  dispose(): Promise<void>;
}
interface Creator {
  createWorkflow(options: object): Promise<VMWorkflow>;
  destroy(): Promise<void>;
}
// The SDK's workflow creator (not its public API; the bench only drives it as the Worker does).
const { ReusableVMWorkflowCreator } = require('@temporalio/worker/lib/workflow/reusable-vm.js') as {
  ReusableVMWorkflowCreator: { create(bundle: object, timeoutMs: number, activities: Set<string>): Promise<Creator> };
};
const { parseWorkflowCode } = require('@temporalio/worker/lib/worker.js') as {
  parseWorkflowCode(code: string): object;
};

export interface ModuleInit {
  /** Milliseconds to create one workflow (module initialisation + activator), p50 after warm-up. */
  msPerWorkflow: number;
  /** Heap one created workflow keeps (KB), when `gc` is exposed (`node --expose-gc`); else undefined. */
  heapKbPerWorkflow: number | undefined;
}

let serial = 0;
function createOptions(workflowType: string) {
  const id = `module-init-${++serial}`;
  const now = Date.now();
  const info = {
    workflowId: id,
    runId: `${id}-run`,
    workflowType,
    namespace: 'default',
    taskQueue: 'bench',
    firstExecutionRunId: `${id}-run`,
    attempt: 1,
    historyLength: 3,
    historySize: 0,
    continueAsNewSuggested: false,
    startTime: new Date(now),
    runStartTime: new Date(now),
    searchAttributes: {},
    typedSearchAttributes: [],
    memo: {},
    unsafe: { isReplaying: false, now: () => Date.now() },
    priority: {},
  };
  return { info, randomnessSeed: [1, 2], now, showStackTraceSources: false };
}

export async function measureModuleInit(code: string, workflowType: string, runs = 60): Promise<ModuleInit> {
  const creator = await ReusableVMWorkflowCreator.create(parseWorkflowCode(code), 10_000, new Set());
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const workflow = await creator.createWorkflow(createOptions(workflowType));
      times.push(performance.now() - started);
      await workflow.dispose();
    }
    const warm = times.slice(Math.min(10, Math.floor(runs / 2))).sort((a, b) => a - b);
    const gc = (globalThis as { gc?: () => void }).gc;
    let heapKbPerWorkflow: number | undefined;
    if (gc) {
      gc();
      const before = process.memoryUsage().heapUsed;
      const kept: VMWorkflow[] = [];
      for (let i = 0; i < 100; i++) kept.push(await creator.createWorkflow(createOptions(workflowType)));
      gc();
      heapKbPerWorkflow = (process.memoryUsage().heapUsed - before) / 1024 / kept.length;
      for (const workflow of kept) await workflow.dispose();
    }
    return { msPerWorkflow: warm[Math.floor(warm.length / 2)] ?? NaN, heapKbPerWorkflow };
  } finally {
    await creator.destroy();
  }
}

// `node --expose-gc --import tsx scripts/bench/module-init.ts <bundle.js> <workflowType>`: the figures of a bundle already built.
if (process.argv[1]?.endsWith('module-init.ts')) {
  const { readFileSync } = await import('node:fs');
  const [file, type] = process.argv.slice(2);
  console.log(
    file,
    type,
    JSON.stringify(await measureModuleInit(readFileSync(file!, 'utf8'), type ?? 'breachIncidentWorkflow')),
  );
}
