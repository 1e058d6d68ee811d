/**
 * Bundles the workflow code with the SDK's bundler, as the worker would at start.
 *   npm run build:workflows   writes dist/workflow-bundle.js and dist/workflow-bundle-traced.js (the same
 *                             code with the OpenTelemetry interceptors); the worker loads the one its
 *                             tracing configuration asks for (workers/worker.ts); the container image
 *                             builds both (Dockerfile)
 *   npm run bundle-check      bundles both without writing: fails when workflow code imports something
 *                             the sandbox cannot run (a Node built-in, an I/O library) or should not carry
 *                             (zod, OpenTelemetry in the untraced bundle), naming the import that brought
 *                             it in, so a stray import fails CI and not the worker at 3 a.m. (docs/style.md 5)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PROJECT_ROOT } from '../config/index.js';
import { bundleOptions } from '../security/data-converter.js';
import { WORKFLOW_TRACING_MODULE } from './tracing.js';
import { PRELOAD_MODULES } from './preload.js';
import { tracedBundlePath, WORKFLOW_BUNDLE_PATH, WORKFLOW_CONCLUSION_MODULE, WORKFLOWS_PATH } from './worker.js';

export { PRELOAD_MODULES };

/**
 * Modules that must never reach the sandbox even when the bundler would accept them (it rejects Node
 * built-ins itself; these would be pulled in through a shim or a browser build). zod: every module the
 * workflow imports is evaluated again for every incident the worker creates or replays (docs/performance.md); the
 * workflow's own checks are plain (domain/check.ts) and the schemas stay at the boundaries.
 */
const FORBIDDEN = [
  'nodemailer',
  'fastify',
  'smtp-server',
  'undici',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  'zod',
];
/** Only in the traced bundle: the OpenTelemetry interceptors and what they load (some 360 modules). */
const TRACING_ONLY = ['@opentelemetry/', '@temporalio/interceptors-opentelemetry'];

/** The bundler's options every bundle of the workflow code is made with (this file, workers/main.ts, tests/helpers). */
export function workflowBundlerOptions(traced: boolean) {
  return {
    // The publication at each activation's end in every bundle (workflows/conclusion.ts); the OpenTelemetry
    // interceptors only in the traced bundle: the worker loads it when an exporter is configured
    // (workers/tracing.ts), so an untraced worker does not evaluate them for every workflow.
    workflowInterceptorModules: [WORKFLOW_CONCLUSION_MODULE, ...(traced ? [WORKFLOW_TRACING_MODULE] : [])],
    // Failures raised in the sandbox are encoded (then encrypted) like the worker's: security/data-converter.ts.
    ...bundleOptions,
    preloadModules: PRELOAD_MODULES,
  };
}

/** `quiet`: no webpack report on failure (tests that expect one); the thrown error still says it failed. */
export async function bundleWorkflows(
  workflowsPath = WORKFLOWS_PATH,
  options: { quiet?: boolean; traced?: boolean } = {},
): Promise<string> {
  const say = options.quiet ? () => {} : (m: string) => console.error(m);
  const traced = options.traced ?? false;
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    ...workflowBundlerOptions(traced),
    preloadModules: workflowsPath === WORKFLOWS_PATH ? PRELOAD_MODULES : [],
    logger: { trace() {}, debug() {}, info() {}, warn: say, error: say, log() {} },
  });
  const forbidden = [...FORBIDDEN, ...(traced ? [] : TRACING_ONLY)];
  for (const name of forbidden) {
    if (bundleHolds(code, name)) {
      const chain = await importChain(workflowsPath, name);
      const where = chain ? ` (${chain.join(' → ')})` : '';
      const why = TRACING_ONLY.includes(name)
        ? ', which belongs in the traced bundle only'
        : ', which must not run in the workflow sandbox; call it from an activity or check at the boundary';
      throw new Error(`workflow code imports ${name}${why}${where}`);
    }
  }
  if (traced && !bundleHolds(code, '@temporalio/interceptors-opentelemetry'))
    throw new Error('the traced bundle lacks the OpenTelemetry workflow interceptors (workflows/tracing.ts)');
  return code;
}

/** Whether webpack put a module of package `name` into the bundle (its module ids are paths under node_modules). */
export function bundleHolds(code: string, name: string): boolean {
  const dir = name.endsWith('/') ? name : `${name}/`;
  return (
    code.includes(`"./node_modules/${dir}`) ||
    code.includes(`!./node_modules/${dir}`) ||
    code.includes(`/node_modules/${dir}`)
  );
}

/** Which import brought package `name` in: the chain of files from the workflows' entry (esbuild's import graph). */
async function importChain(entry: string, name: string): Promise<string[] | undefined> {
  try {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      format: 'esm',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
      absWorkingDir: PROJECT_ROOT,
    });
    const inputs = result.metafile.inputs;
    const start = relative(PROJECT_ROOT, entry);
    const from = new Map<string, string>([[start, '']]);
    const queue = [start];
    while (queue.length) {
      const file = queue.shift()!;
      if (file.includes(`node_modules/${name}`)) {
        const chain = [file];
        for (let at = from.get(file); at; at = from.get(at)) chain.unshift(at);
        // Up to the first file of the package: the project's import that brought it in is the one before.
        return chain.map((f) => f.replace(/^.*node_modules\//, ''));
      }
      for (const imp of inputs[file]?.imports ?? []) {
        if (!from.has(imp.path) && inputs[imp.path]) {
          from.set(imp.path, file);
          queue.push(imp.path);
        }
      }
    }
    return undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const started = Date.now();
  const [plain, traced] = [await bundleWorkflows(), await bundleWorkflows(undefined, { traced: true })];
  const took = ((Date.now() - started) / 1000).toFixed(1);
  const size = (code: string) => `${(code.length / 1024).toFixed(0)} KiB`;
  if (check) {
    console.log(
      `bundle check: ${relative(PROJECT_ROOT, WORKFLOWS_PATH)} bundles for the workflow sandbox (${size(plain)}, no zod, no OpenTelemetry; traced ${size(traced)}; ${took} s)`,
    );
    return;
  }
  // `--out <file>`: elsewhere than dist/ (tests/ops/deployment.test.ts lays out an image's files); the
  // traced bundle is written beside it (`<file>` with `-traced` before `.js`).
  const outAt = process.argv.indexOf('--out');
  const out = outAt > 0 && process.argv[outAt + 1] ? resolve(process.argv[outAt + 1]!) : WORKFLOW_BUNDLE_PATH;
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, plain);
  await writeFile(tracedBundlePath(out), traced);
  console.log(
    `wrote ${relative(PROJECT_ROOT, out)} (${size(plain)}) and ${relative(PROJECT_ROOT, tracedBundlePath(out))} (${size(traced)}) in ${took} s`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`bundle check failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
