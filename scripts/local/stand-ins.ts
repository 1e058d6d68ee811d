/**
 * What `npm start` (scripts/local/start.ts) runs beside the product, before the worker and the API: the
 * mail catcher unless SMTP_URL is set, the receiver standing in for the playbook's external endpoints, the
 * proxy in front of the Temporal UI (the codec routes on its origin, scripts/local/ui-proxy.ts) and the
 * development IdP (scripts/local/idp.ts) unless an IdP is configured. They take milliseconds, and the
 * children send to them.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { StartConfig } from '../../config/index.js';
import type { Playbook } from '../../domain/playbook.js';
import { startEndpointReceiver, type EndpointReceiver } from './endpoint-receiver.js';
import { startDevIdp, type DevIdp } from './idp.js';
import { startMailCatcher, type MailCatcher } from './mail-catcher.js';
import { freePort } from './ports.js';
import { startUiProxy, type UiProxy } from './ui-proxy.js';

/** Filled in as they start, so that a shutdown stops what is there. */
export interface StandIns {
  mail?: MailCatcher;
  receiver?: EndpointReceiver;
  idp?: DevIdp;
  uiProxy?: UiProxy;
}

export interface StandInsStarted {
  receiver: EndpointReceiver;
  /** The Temporal UI's own port behind the proxy, when npm start runs the dev server. */
  uiBehindProxy: number | undefined;
  /** The sign-in settings the worker and the API get: the development IdP's, none when one is configured. */
  oidcEnv: Record<string, string>;
}

export async function startStandIns(
  into: StandIns,
  options: {
    config: StartConfig;
    playbook: Playbook;
    /** A Temporal server that answered at TEMPORAL_ADDRESS: no UI of npm start's then. */
    external: boolean;
    bindHost: string;
    uiPort: number;
  },
): Promise<StandInsStarted> {
  const { config, playbook, external, bindHost, uiPort } = options;
  if (!config.smtpUrl)
    into.mail = await startMailCatcher({
      smtpPort: config.mailSmtpPort,
      webPort: config.mailWebPort,
      dir: join(config.dataDir, 'mail'),
    });
  const receiver = await startEndpointReceiver({
    port: config.receiverPort,
    onCall: (call) =>
      console.log(
        `[receiver] ${call.method} ${call.path} → ${call.status} (Idempotency-Key: ${call.idempotencyKey ? 'yes' : 'no'}, Authorization: ${call.hasAuthorization ? 'yes' : 'no'})`,
      ),
  });
  into.receiver = receiver;
  // The UI's port is this proxy's: the UI behind it on a private port, the codec routes on its origin, so
  // that signing in to the pages is all an operator does to decrypt.
  const uiBehindProxy = external ? undefined : await freePort();
  if (uiBehindProxy)
    into.uiProxy = await startUiProxy({ host: bindHost, port: uiPort, uiPort: uiBehindProxy, apiPort: config.apiPort });
  // Sign-in: the development IdP whose users are the playbook's people, unless an IdP is configured.
  let oidcEnv: Record<string, string> = {};
  if (!config.oidcIssuer) {
    const clientSecret = randomBytes(24).toString('base64url');
    into.idp = await startDevIdp({
      playbook,
      port: config.idpPort,
      clientId: 'breach-pages',
      clientSecret,
      audience: 'urn:breach-response:api',
      redirectUris: [`${config.publicUrl}/auth/callback`],
      postLogoutRedirectUris: [`${config.publicUrl}/cases`],
    });
    oidcEnv = {
      BREACH_OIDC_ISSUER: into.idp.issuer,
      BREACH_OIDC_CLIENT_ID: 'breach-pages',
      BREACH_OIDC_CLIENT_SECRET: clientSecret,
      BREACH_OIDC_AUDIENCE: 'urn:breach-response:api',
    };
  }
  return { receiver, uiBehindProxy, oidcEnv };
}
