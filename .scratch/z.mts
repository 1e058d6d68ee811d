import { bundleWorkflows } from '../worker/bundle.ts';
try { await bundleWorkflows('/work/wt/lean/tests/foundation/fixtures/zod-workflow.ts', { quiet: true }); } catch (e) { console.log((e as Error).message); }
