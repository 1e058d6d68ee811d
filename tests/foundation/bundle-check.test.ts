import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { bundleHolds, bundleWorkflows, PRELOAD_MODULES } from '../../workers/bundle.js';
import type { NativeConnection } from '@temporalio/worker';
import { bundleHasConclusion, chooseWorkflowSource, createBreachWorker } from '../../workers/worker.js';
import { createKeyring, generateKey } from '../../security/codec.js';
import { createDataConverter } from '../../security/data-converter.js';
import { offlineActivities } from '../helpers/index.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

test('the bundle check refuses workflow code that imports a Node built-in', async () => {
  await expect(bundleWorkflows(here('./fixtures/forbidden-workflow.ts'), { quiet: true })).rejects.toThrow(
    /Webpack finished with errors|node:fs/,
  );
});

test('the bundle check accepts sandbox-safe workflow code', async () => {
  await expect(bundleWorkflows(here('./workflows/timer.ts'))).resolves.toContain('waitAnHour');
});

describe('what reaches the workflow sandbox', () => {
  test('the bundle check refuses workflow code that brings zod in, naming the import that did', async () => {
    const refused = bundleWorkflows(here('./fixtures/zod-workflow.ts'), { quiet: true });
    await expect(refused).rejects.toThrow(/workflow code imports zod/);
    await expect(refused).rejects.toThrow(
      /tests\/foundation\/fixtures\/zod-workflow\.ts → domain\/decision\.ts → zod\//,
    );
  });

  test('the plain bundle holds neither zod nor OpenTelemetry; the traced one holds the workflow interceptors; the pure domain modules are preloaded', async () => {
    const plain = await bundleWorkflows(undefined, { quiet: true });
    expect(bundleHolds(plain, 'zod')).toBe(false);
    expect(bundleHolds(plain, '@opentelemetry/')).toBe(false);
    expect(bundleHolds(plain, '@temporalio/interceptors-opentelemetry')).toBe(false);
    expect(plain).not.toContain('OpenTelemetryInboundInterceptor');
    // The SDK's preload hook requires each listed module once per worker, before any workflow.
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([\s\S]*?)\n\}/.exec(plain)?.[1] ?? '';
    for (const file of PRELOAD_MODULES) expect(preload).toContain(file.replace(/^.*\/domain\//, 'domain/'));

    // Every bundle publishes a new incident's search attributes and memo as each activation concludes.
    expect(bundleHasConclusion(plain)).toBe(true);

    const traced = await bundleWorkflows(undefined, { quiet: true, traced: true });
    expect(bundleHasConclusion(traced)).toBe(true);
    expect(bundleHolds(traced, 'zod')).toBe(false);
    expect(bundleHolds(traced, '@temporalio/interceptors-opentelemetry')).toBe(true);
    expect(traced).toContain('OpenTelemetryInboundInterceptor');
  }, 120_000);

  test('a worker with tracing configured runs the traced bundle, without it the plain one', () => {
    const pick = (traced: boolean) => {
      try {
        const source = chooseWorkflowSource({ workflowBundle: undefined, production: true, traced });
        return 'workflowBundle' in source && 'codePath' in source.workflowBundle ? source.workflowBundle.codePath : '';
      } catch (err) {
        return (err as Error).message; // production without the bundle built: the message names the file it needs
      }
    };
    expect(pick(true)).toMatch(/dist\/workflow-bundle-traced\.js/);
    expect(pick(false)).toMatch(/dist\/workflow-bundle\.js/);
    expect(pick(false)).not.toMatch(/traced/);
  });
});

test('a worker refuses a pre-built bundle without the conclusion interceptor, naming it and the fix', async () => {
  const plain = await bundleWorkflows(undefined, { quiet: true });
  // The same bundle with the interceptor module left out of the SDK's list.
  const without = plain.replace(
    /(exports\.importInterceptors = function importInterceptors\(\) \{\s*return \[)[^\]]*\]/,
    '$1]',
  );
  expect(bundleHasConclusion(without)).toBe(false);
  const dataConverter = createDataConverter(createKeyring('k', { k: generateKey() }));
  expect(() =>
    createBreachWorker({
      connection: {} as NativeConnection,
      taskQueue: 'nowhere',
      activities: offlineActivities(),
      dataConverter,
      workflowBundle: { code: without },
    }),
  ).toThrow(/without the interceptor module workflows\/conclusion\.ts: rebuild it/);
});
