/**
 * `npm run api`: the HTTP API alone. Reads the configuration once (docs/style.md 6), connects to Temporal
 * and listens on BREACH_API_PORT; SIGINT/SIGTERM stop taking requests, let those under way finish and
 * close the connection.
 */
import { Client, Connection } from '@temporalio/client';
import { codecOriginsFromEnv } from './codec-server.js';
import { loadLinkSecret } from '../security/links.js';
import { buildApi } from './server.js';
import {
  ConfigError,
  EXIT_CONFIG,
  loadApiConfig,
  loadApiTokens,
  loadOidcConfig,
  loadPlaybookFile,
} from '../config/index.js';
import { createOidc } from '../security/oidc.js';
import { clientTracing } from './tracing.js';
import { loadExerciseConfig } from '../config/exercise.js';
import { dataConverterFromEnv } from '../security/data-converter.js';
import { startIntake } from '../mail-intake/start.js';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const playbook = await loadPlaybookFile(config.playbookPath);
  const tokens = await loadApiTokens(config.apiTokensPath, playbook);
  const linkSecret = await loadLinkSecret(config.env);
  const { dataConverter, source: keySource } = await dataConverterFromEnv(config.env);
  const uiOrigins = codecOriginsFromEnv(config.env);
  const { connectionOptions, namespace } = config.temporal;
  const oidcConfig = loadOidcConfig(config.env);
  // The pages' sign-in returns to <public URL>/auth/callback: register that redirect URI at the IdP.
  const oidc = oidcConfig ? createOidc(oidcConfig, `${config.publicUrl}/auth/callback`) : undefined;
  // Lazy: the API starts (and answers /healthz with 503) while Temporal is still coming up.
  const connection = Connection.lazy(connectionOptions);
  const tracing = clientTracing(config.otlpTracesEndpoint, process.env.OTEL_SERVICE_NAME ?? 'breach-api');
  const client = new Client({ connection, namespace, dataConverter, interceptors: { workflow: tracing.interceptors } });

  const app = await buildApi({
    client,
    taskQueue: config.taskQueue,
    playbook,
    tokens,
    linkSecret,
    publicUrl: config.publicUrl,
    decisionWaitMs: config.decisionWaitMs,
    log: (line) => console.log(`[api] ${line}`),
    codecServer: { codec: dataConverter.payloadCodecs[0], origins: uiOrigins },
    oidc,
    vendor: { ...config.vendor },
    exerciseDir: loadExerciseConfig(config.env).afterActionDir,
  });
  const intake = await startIntake(config, playbook, client);
  if (intake)
    app.get('/metrics/intake', async (_request, reply) =>
      reply.type('text/plain').send(await intake.metrics.registry.metrics()),
    );
  const address = await app.listen({ port: config.apiPort, host: config.apiHost });
  console.log(
    `[api] listening on ${address} (pid ${process.pid}; Temporal ${connectionOptions.address}, namespace ${namespace}, task queue ${config.taskQueue})`,
  );
  console.log(
    `[api] OpenAPI document: ${address}/openapi.json; liveness ${address}/healthz, readiness ${address}/readyz`,
  );
  console.log(
    `[api] pages: ${config.publicUrl}/report, ${config.publicUrl}/cases; sign-in ${oidcConfig ? `with ${oidcConfig.issuer} (client ${oidcConfig.clientId}, API audience ${oidcConfig.audience})` : 'not configured (BREACH_OIDC_ISSUER)'}`,
  );
  if (config.otlpTracesEndpoint) console.log(`[api] traces to ${config.otlpTracesEndpoint}`);
  console.log(
    `[api] codec server for the Temporal UI: ${address}/decode, /encode (origins ${uiOrigins.join(', ')}; bearer token); payloads encrypted with the ${keySource}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[api] ${signal}: closing`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    await intake?.close();
    await tracing.shutdown().catch(() => undefined);
    await connection.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`[api] ${err instanceof Error ? err.message : String(err)}`);
  // A wrong configuration stays wrong: `npm start` does not restart an API that exits with EXIT_CONFIG.
  process.exit(err instanceof ConfigError ? EXIT_CONFIG : 1);
});
