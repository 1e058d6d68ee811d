import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { bundleWorkflows } from '../../worker/bundle.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

test('the bundle check refuses workflow code that imports a Node built-in', async () => {
  await expect(bundleWorkflows(here('./fixtures/forbidden-workflow.ts'), { quiet: true })).rejects.toThrow(/Webpack finished with errors|node:fs/);
});

test('the bundle check accepts sandbox-safe workflow code', async () => {
  await expect(bundleWorkflows(here('./workflows/timer.ts'))).resolves.toContain('waitAnHour');
});
