/**
 * Pieces of `npm start` (scripts/local/start.ts) that are not its order of events: the demo tokens for the local
 * endpoint receiver and the mail vendor's callback, the API token it asks /healthz with, the search
 * attributes' registration, and the "running" banner and its addresses.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Connection } from '@temporalio/client';
import type { Playbook } from '../../domain/playbook.js';
import type { StartConfig, TemporalConnect } from '../../config/index.js';
import { registerSearchAttributes } from '../../client/search-attributes.js';
import { answers, isLoopback } from './ports.js';

/** A token of BREACH_API_TOKENS, to ask the API's /healthz and to show in the banner's example. */
export function anyApiToken(path: string): string | undefined {
  try {
    return Object.keys(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>)[0];
  } catch {
    return undefined;
  }
}

/**
 * The playbook's endpoints that point at the local receiver get a demo bearer token when their `tokenEnv`
 * is unset, so the activities call the receiver as they would call US-CERT; real endpoints keep theirs.
 */
export function demoEndpointTokens(
  playbook: Playbook,
  receiverPort: number,
  env: Record<string, string | undefined>,
): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const endpoint of Object.values(playbook.endpoints)) {
    const url = new URL(endpoint.url);
    const local = isLoopback(url.hostname.replace(/^\[|\]$/g, '')) && Number(url.port || 80) === receiverPort;
    if (local && endpoint.tokenEnv && !env[endpoint.tokenEnv])
      tokens[endpoint.tokenEnv] = `local-receiver-demo-${endpoint.tokenEnv.toLowerCase()}`;
  }
  return tokens;
}

/**
 * The mail vendor's callback (POST /vendor/returns) needs a bearer token and a signing secret; unless the
 * environment names them, npm start makes a pair on the first run and keeps it in the data folder
 * (`vendor-callback.json`, mode 0600), so a developer can sign a return as the vendor would.
 */
export function demoVendorCallback(env: Record<string, string | undefined>, dataDir: string): Record<string, string> {
  if (env.BREACH_VENDOR_TOKEN && env.BREACH_VENDOR_SIGNING_SECRET) return {};
  const file = join(dataDir, 'vendor-callback.json');
  if (!existsSync(file)) {
    const made = {
      BREACH_VENDOR_TOKEN: randomBytes(24).toString('base64url'),
      BREACH_VENDOR_SIGNING_SECRET: randomBytes(32).toString('hex'),
    };
    writeFileSync(file, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 });
  }
  const kept = JSON.parse(readFileSync(file, 'utf8')) as {
    BREACH_VENDOR_TOKEN: string;
    BREACH_VENDOR_SIGNING_SECRET: string;
  };
  return {
    BREACH_VENDOR_TOKEN: env.BREACH_VENDOR_TOKEN ?? kept.BREACH_VENDOR_TOKEN,
    BREACH_VENDOR_SIGNING_SECRET: env.BREACH_VENDOR_SIGNING_SECRET ?? kept.BREACH_VENDOR_SIGNING_SECRET,
  };
}

/**
 * The environment of the worker and the API: npm start's own, the demo tokens for the local receiver
 * and the vendor's callback (named in the banner), and `more` (sign-in, encryption keys).
 */
export function childEnvironment(f: {
  config: StartConfig;
  playbook: Playbook;
  receiverPort: number;
  uiPort: number;
  more: Record<string, string>;
  temporalAddress: string;
  smtpUrl: string | undefined;
}): { childEnv: NodeJS.ProcessEnv; demoTokens: string[] } {
  const { config, uiPort } = f;
  const endpointTokens = {
    ...demoEndpointTokens(f.playbook, f.receiverPort, config.env),
    ...demoVendorCallback(config.env, config.dataDir),
  };
  const childEnv: NodeJS.ProcessEnv = {
    ...config.env,
    ...f.more,
    ...endpointTokens,
    BREACH_UI_ORIGINS: config.uiOrigins ?? `http://localhost:${uiPort},http://127.0.0.1:${uiPort}`,
    TEMPORAL_ADDRESS: f.temporalAddress,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    SMTP_URL: f.smtpUrl,
    BREACH_API_PORT: String(config.apiPort),
  };
  return { childEnv, demoTokens: Object.keys(endpointTokens) };
}

/** The contract's search attributes, on every start (an existing database gets new ones too). */
export async function registerWithRetry(
  address: string,
  connectionOptions: TemporalConnect['connectionOptions'],
  namespace: string,
): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ ...connectionOptions, address, connectTimeout: 5_000 });
      const { added } = await registerSearchAttributes(connection, namespace);
      return added.length > 0 ? `registered ${added.join(', ')}` : 'all present';
    } catch (err) {
      // The namespace appears a moment after the port opens; a hosted cluster may refuse the operator call.
      if (Date.now() > deadline)
        return `not registered (${err instanceof Error ? err.message : String(err)}): register them with \`temporal operator search-attribute create\``;
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
}

/** The banner's addresses, also kept in the instance lock for a second `npm start` to name. */
export async function bannerUrls(f: {
  config: StartConfig;
  /** A Temporal server that answered at TEMPORAL_ADDRESS. */
  external: boolean;
  temporal: { host: string; port: number };
  uiUrl: string;
  apiUrl: string;
  mailWebUrl: string | undefined;
  smtpUrl: string | undefined;
  receiverUrl: string;
}): Promise<BannerFacts['urls']> {
  const { config, external, temporal } = f;
  const externalUi =
    external && isLoopback(temporal.host) && (await answers(`http://127.0.0.1:${temporal.port + 1000}`))
      ? `http://localhost:${temporal.port + 1000}`
      : undefined;
  return {
    'Temporal UI': external ? (externalUi ?? '(the UI of the server at TEMPORAL_ADDRESS)') : f.uiUrl,
    'HTTP API': f.apiUrl,
    'Mail catcher':
      f.mailWebUrl?.replace('127.0.0.1', 'localhost') ??
      `(SMTP_URL is set: mail goes to ${f.smtpUrl?.replace(/\/\/[^@/]*@/, '//***@')})`,
    'Endpoint receiver': f.receiverUrl.replace('127.0.0.1', 'localhost'),
    'Report mailboxes': config.intakePort
      ? `smtp://127.0.0.1:${config.intakePort}`
      : '(off: BREACH_INTAKE_SMTP_PORT=off)',
  };
}

export interface BannerFacts {
  urls: Record<'Temporal UI' | 'HTTP API' | 'Mail catcher' | 'Endpoint receiver' | 'Report mailboxes', string>;
  temporalAddress: string;
  namespace: string;
  /** The dev server's database and binary, when npm start runs one. */
  devServer: { dbFile: string; binary: string } | undefined;
  searchAttributes: string;
  apiUrl: string;
  token: string | undefined;
  mail: { smtpUrl: string; dir: string } | undefined;
  demoTokens: string[];
  taskQueue: string;
  playbookPath: string;
  /** The identity provider the pages sign in with. */
  signIn: string;
  /** The UI of npm start, with the codec routes on its own origin (scripts/local/ui-proxy.ts). */
  codecOnUiOrigin?: boolean;
}

/** What a person sees once everything answers (README's Quick start shows it). */
export function banner(f: BannerFacts): string {
  const rel = (path: string) => relative(process.cwd(), path) || path;
  const seconds = (performance.now() / 1000).toFixed(1);
  return [
    '',
    `Breach response is running (ready in ${seconds} s).`,
    `  Temporal UI        ${f.urls['Temporal UI']}`,
    `  Temporal server    ${f.temporalAddress}, namespace ${f.namespace}${f.devServer ? `, data in ${rel(f.devServer.dbFile)} (${f.devServer.binary})` : ''}; search attributes: ${f.searchAttributes}`,
    `  HTTP API           ${f.urls['HTTP API']}${f.token ? `   e.g. curl -H 'Authorization: Bearer ${f.token}' ${f.apiUrl}/healthz` : ''}`,
    `  Pages              ${f.apiUrl}/report (the Breach Incident form), ${f.apiUrl}/cases (the case workspace)`,
    `  Sign-in (IdP)      ${f.signIn}`,
    `  Codec server       ${f.apiUrl}/decode, /encode   (payloads are encrypted)`,
    f.codecOnUiOrigin
      ? `  To decrypt in the Temporal UI: sign in at ${f.apiUrl}/cases (that is all: the UI then shows decrypted the incidents you have a role on, ciphertext otherwise).`
      : `  To decrypt in the Temporal UI: sign in at ${f.apiUrl}/cases, then set its codec endpoint to ${f.apiUrl} with "Include cross-origin credentials" (once per browser).`,
    `  Mail catcher       ${f.urls['Mail catcher']}${f.mail ? `   (SMTP ${f.mail.smtpUrl}, messages in ${rel(f.mail.dir)})` : ''}`,
    `  Endpoint receiver  ${f.urls['Endpoint receiver']}   (stands in for the playbook's external endpoints${f.demoTokens.length > 0 ? `; demo tokens in ${f.demoTokens.join(', ')}` : ''})`,
    `  Report mailboxes   ${f.urls['Report mailboxes']}   (the intake mail listener: reports by email to the playbook's intake mailboxes; docs/intake-mail.md)`,
    `  Worker             task queue ${f.taskQueue}; playbook ${rel(f.playbookPath)}`,
    'A worker, API or Temporal dev server that stops is started again. Press Ctrl-C to stop everything.',
    '',
  ].join('\n');
}
