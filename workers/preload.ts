/**
 * The workflow bundle's preloaded modules (the SDK's `preloadModules`), apart from workers/bundle.ts so that
 * the worker process (workers/main.ts, bundling from sources in development) reads the list without
 * loading the bundler's tools, which the production image does not carry.
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../config/index.js';

/**
 * Pure, stateless modules the workflow code uses (no module-level `let`, cache or changing Map):
 * evaluated once per worker in the reusable V8 context and shared by every workflow (deep-frozen by the
 * SDK), instead of once per workflow. Listed by hand: a module that kept per-workflow state here would
 * leak it between incidents (docs/style.md 5).
 */
export const PRELOAD_MODULES = [
  'refusal',
  'durations',
  'decisions/terms',
  'decisions/fields',
  'decisions/define',
  'decisions/analysis-form',
  'decisions/response',
  'decisions/notification',
  'decisions/closure',
  'decisions/index',
  'decision-terms',
  'option-items',
  'issues',
  'authorized',
  'check',
  'decision-check',
  'text',
  'letters',
  'state',
  'gates',
  'letter-rules',
  'playbook-terms',
  'separation',
  'risk',
  'accounting',
  'case-record-format',
  'cisa',
  'costs',
  'workflow-ids',
].map((name) => join(PROJECT_ROOT, 'domain', `${name}.ts`));
