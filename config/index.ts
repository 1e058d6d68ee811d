/**
 * One configuration per process, each parsed once from the environment in its entry point
 * (docs/style.md 6; every variable in docs/configuration.md):
 *   config/worker.ts  workers/main.ts       config/api.ts    api/main.ts
 *   config/cli.ts     cli/ (the CLI)        config/start.ts  scripts/local/start.ts (`npm start`)
 *   config/exercise.ts  the exercises' settings, read beside their own by the workers, the API and the CLI
 * config/shared.ts holds what they share: paths, errors naming the variable, the Temporal connection
 * (@temporalio/envconfig, so TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY / TEMPORAL_TLS* /
 * TEMPORAL_PROFILE work as in every Temporal tool), and the playbook and API token files.
 */
export * from './shared.js';
export { loadWorkerConfig, LOCAL_MAIL_CATCHER, type WorkerConfig } from './worker.js';
export { loadApiConfig, type ApiConfig } from './api.js';
export { loadCliConfig, type CliConfig } from './cli.js';
export { loadStartConfig, type StartConfig } from './start.js';
export { loadBenchConfig, type BenchConfig } from './bench.js';
export { loadOidcConfig, type OidcConfig } from './oidc.js';
export { loadExerciseConfig, type ExerciseConfig } from './exercise.js';
