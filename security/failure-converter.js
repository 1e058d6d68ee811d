/**
 * The failure converter of security/data-converter.ts: error messages and stack traces travel as an
 * encoded payload (`encodeCommonAttributes`), so the payload codec encrypts them like everything else;
 * Temporal stores only "Encoded failure". The SDK takes a failure converter as a *path*: it is bundled
 * into the workflow sandbox (update validators, workflow failures) and `require`d by clients and workers
 * (activity failures). Plain JavaScript (ESM) so both work: under tsx, in the tests and in the bundle.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

/** Found in a workflow bundle built with this module (security/data-converter.ts bundleHasFailureConverter). */
export const BUNDLE_MARK = 'breach-response:failure-converter:encode-common-attributes';
