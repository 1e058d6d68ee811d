import { bundleWorkflows } from '../workers/bundle.js';
import { WORKFLOWS_PATH } from '../workers/worker.js';
const t = Date.now(); const c0 = process.cpuUsage();
await bundleWorkflows(WORKFLOWS_PATH, { quiet: true });
const c = process.cpuUsage(c0);
console.log('bundle wall', Date.now() - t, 'ms cpu', Math.round((c.user + c.system) / 1000), 'ms');
