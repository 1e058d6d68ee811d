/** The environment of an `npm start` child on its own ports and data folder (e2e and browser tests). */
export interface SystemPorts {
  temporal: number;
  ui: number;
  api: number;
  smtp: number;
  mailWeb: number;
  receiver: number;
  /** The development IdP; absent, any free port. */
  idp?: number;
  /** The intake mail listener; absent, off (mail-intake/ has tests of its own). */
  intake?: number;
}

export function npmStartEnv(ports: SystemPorts, dataDir: string, playbookPath: string): NodeJS.ProcessEnv {
  // Nothing of the developer's own Temporal, breach or SMTP settings leaks into the system under test.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(TEMPORAL_|BREACH_|SMTP_)/.test(key)),
  );
  return {
    ...inherited,
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
    BREACH_TEMPORAL_UI_PORT: String(ports.ui),
    BREACH_API_PORT: String(ports.api),
    BREACH_MAIL_SMTP_PORT: String(ports.smtp),
    BREACH_MAIL_WEB_PORT: String(ports.mailWeb),
    BREACH_RECEIVER_PORT: String(ports.receiver),
    BREACH_IDP_PORT: String(ports.idp ?? 0),
    BREACH_INTAKE_SMTP_PORT: ports.intake === undefined ? 'off' : String(ports.intake),
    BREACH_DATA_DIR: dataDir,
    BREACH_PLAYBOOK: playbookPath,
  };
}
