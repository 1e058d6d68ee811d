/**
 * Bundles the workflow code with the SDK's bundler, as the worker would at start.
 *   npm run build:workflows   writes dist/workflow-bundle.js (the worker uses it; see worker/worker.ts);
 *                             the container image builds it (Dockerfile)
 *   npm run bundle-check      bundles without writing: fails when workflow code imports something the
 *                             sandbox cannot run (a Node built-in, an I/O library), so a stray import
 *                             fails CI and not the worker at 3 a.m. (docs/style.md 5)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PROJECT_ROOT } from '../config/index.js';
import { bundleOptions } from '../security/data-converter.js';
import { WORKFLOW_TRACING_MODULE } from './tracing.js';
import { WORKFLOW_BUNDLE_PATH, WORKFLOWS_PATH } from './worker.js';

/**
 * Modules that must never reach the sandbox even when the bundler would accept them (it rejects Node
 * built-ins itself; these would be pulled in through a shim or a browser build).
 */
const FORBIDDEN = ['nodemailer', 'fastify', 'smtp-server', 'undici', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'];

/** `quiet`: no webpack report on failure (tests that expect one); the thrown error still says it failed. */
export async function bundleWorkflows(workflowsPath = WORKFLOWS_PATH, options: { quiet?: boolean } = {}): Promise<string> {
  const say = options.quiet ? () => {} : (m: string) => console.error(m);
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    // The OpenTelemetry interceptors are part of every bundle; the worker drops their spans unless an
    // exporter is configured (worker/tracing.ts), so one image serves with and without tracing.
    workflowInterceptorModules: [WORKFLOW_TRACING_MODULE],
    // Failures raised in the sandbox are encoded (then encrypted) like the worker's: security/data-converter.ts.
    ...bundleOptions,
    logger: { trace() {}, debug() {}, info() {}, warn: say, error: say, log() {} },
  });
  for (const name of FORBIDDEN) {
    if (code.includes(`"./node_modules/${name}/`) || code.includes(`!./node_modules/${name}/`)) {
      throw new Error(`workflow code imports ${name}, which must not run in the workflow sandbox; call it from an activity`);
    }
  }
  return code;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const started = Date.now();
  const code = await bundleWorkflows();
  const took = ((Date.now() - started) / 1000).toFixed(1);
  if (check) {
    console.log(`bundle check: ${relative(PROJECT_ROOT, WORKFLOWS_PATH)} bundles for the workflow sandbox (${(code.length / 1024).toFixed(0)} KiB, ${took} s)`);
    return;
  }
  // `--out <file>`: elsewhere than dist/ (tests/ops/deployment.test.ts lays out an image's files).
  const outAt = process.argv.indexOf('--out');
  const out = outAt > 0 && process.argv[outAt + 1] ? resolve(process.argv[outAt + 1]!) : WORKFLOW_BUNDLE_PATH;
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, code);
  console.log(`wrote ${relative(PROJECT_ROOT, out)} (${(code.length / 1024).toFixed(0)} KiB, ${took} s)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`bundle check failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
