/**
 * THE data converter: the worker, the HTTP API, the CLI, `npm start` and the tests all build theirs
 * here, so every payload is encrypted the same way (security/codec.ts) and every failure message and
 * stack trace is encoded, then encrypted, too (security/failure-converter.js). A client or worker
 * without it would write PII in clear, or fail to read what the others wrote.
 *
 * The SDK takes the failure converter as a module path (it is bundled into the workflow sandbox), so a
 * pre-built workflow bundle must have been built with FAILURE_CONVERTER_PATH: see
 * `bundleOptions` and workers/worker.ts.
 */
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { PROJECT_ROOT } from '../config/index.js';
import { EncryptionCodec, type Keyring } from './codec.js';
import { loadKeyring } from './keyring.js';

export const FAILURE_CONVERTER_PATH = join(PROJECT_ROOT, 'security', 'failure-converter.js');

export interface BreachDataConverter extends DataConverter {
  payloadCodecs: [EncryptionCodec];
  failureConverterPath: string;
}

export function createDataConverter(keyring: Keyring): BreachDataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/** The data converter of the keyring the environment configures (security/keyring.ts); `source` is for a start-up line. */
export async function dataConverterFromEnv(
  env: Record<string, string | undefined>,
): Promise<{ dataConverter: BreachDataConverter; source: string; keyring: Keyring }> {
  const { keyring, source } = await loadKeyring(env);
  return { dataConverter: createDataConverter(keyring), source, keyring };
}

/** What bundleWorkflowCode needs so that the workflow sandbox encodes failures as the worker does. */
export const bundleOptions = { failureConverterPath: FAILURE_CONVERTER_PATH } as const;

/**
 * Whether a workflow bundle was built with our failure converter. A bundle without it would write
 * workflow-side failure messages (update refusals, workflow errors) in clear.
 */
export function bundleHasFailureConverter(code: string): boolean {
  return code.includes(FAILURE_CONVERTER_BUNDLE_MARK);
}

/** The BUNDLE_MARK string of security/failure-converter.js. */
export const FAILURE_CONVERTER_BUNDLE_MARK = 'breach-response:failure-converter:encode-common-attributes';
