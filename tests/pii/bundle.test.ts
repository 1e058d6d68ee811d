/**
 * Failures raised inside the workflow sandbox (update refusals, workflow errors) are encoded by the
 * failure converter bundled into the workflow code: the bundle check builds it in, and a worker refuses
 * a pre-built bundle without it (its workflow-side failure messages would be stored in clear).
 */
import type { NativeConnection } from '@temporalio/worker';
import { expect, it } from 'vitest';
import { bundleWorkflows } from '../../workers/bundle.js';
import { createKeyring, generateKey } from '../../security/codec.js';
import { bundleHasFailureConverter, createDataConverter } from '../../security/data-converter.js';
import { createBreachWorker } from '../../workers/worker.js';
import { offlineActivities } from '../helpers/index.js';

it('the workflow bundle carries the failure converter, and a bundle without it is refused', async () => {
  const code = await bundleWorkflows();
  expect(bundleHasFailureConverter(code)).toBe(true);
  const dataConverter = createDataConverter(createKeyring('k', { k: generateKey() }));
  const connection = {} as NativeConnection;
  expect(() =>
    createBreachWorker({
      connection,
      taskQueue: 'nowhere',
      activities: offlineActivities(),
      dataConverter,
      workflowBundle: { code: 'var x = 1;' },
    }),
  ).toThrow(/built without the failure converter/);
});
