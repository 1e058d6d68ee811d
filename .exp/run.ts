import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { locateBinary, sdkExecutable } from '../scripts/install/temporal-binaries.js';
const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: sdkExecutable(locateBinary('temporal-test-server')) } });
const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'q', workflowsPath: new URL('./wf.ts', import.meta.url).pathname, activities: {} });
await worker.runUntil(async () => {
  const mode = process.argv[2];
  const h = await env.client.workflow.start('waits', { taskQueue: 'q', workflowId: 'a' });
  if (mode === 'update') await h.executeUpdate('u', { args: ['hi'] });
  await new Promise((r) => setTimeout(r, 500));
  const d = await h.describe();
  console.log('pendingWT', JSON.stringify(d.raw.pendingWorkflowTask));
  await h.terminate('end of test');
  const t = Date.now();
  const r = await Promise.race([env.client.workflow.execute('timer', { taskQueue: 'q', workflowId: 'b' }), new Promise((r) => setTimeout(() => r('HUNG'), 15000))]);
  console.log(mode, r, Date.now() - t, 'ms');
  process.exit(0);
});
