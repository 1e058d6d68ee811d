/**
 * Where the encryption keys come from: configuration, never the repository.
 *
 *   BREACH_KEYRING=<path>     a JSON keyring file `{ "active": "<id>", "keys": { "<id>": "<base64 of 32 bytes>" } }`
 *   BREACH_ENCRYPTION_KEY=<base64 of 32 bytes> and BREACH_ENCRYPTION_KEY_ID=<id>   a single key
 *   neither (development only): the git-ignored `.data/keyring.json` that `npm start` makes on first run
 *
 * Rotation: add a new key to `keys`, make it `active`, keep the old ones. New payloads are encrypted
 * with the active key; histories written with an older key still decrypt while it stays in the ring.
 * Error messages name files, variables and key ids, never key material.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, PROJECT_ROOT } from '../config/index.js';
import { issueLines } from '../domain/issues.js';
import { createKeyring, KEY_BYTES, KEY_ID_PATTERN, type Keyring } from './codec.js';

export const DEV_KEYRING_FILE_NAME = 'keyring.json';
export const DEV_KEYRING_FILE = join(PROJECT_ROOT, '.data', DEV_KEYRING_FILE_NAME);

const keyIdSchema = z
  .string()
  .regex(KEY_ID_PATTERN, 'expected a key id of 1 to 64 letters, digits, dots, dashes or underscores');
const keySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, `expected ${KEY_BYTES} random bytes in base64 (e.g. \`openssl rand -base64 32\`)`)
  .refine(
    (text) => Buffer.from(text, 'base64').length === KEY_BYTES,
    `expected exactly ${KEY_BYTES} bytes (AES-256) once base64-decoded`,
  );

export const keyringFileSchema = z
  .object({
    active: keyIdSchema,
    keys: z.record(keyIdSchema, keySchema).refine((keys) => Object.keys(keys).length > 0, 'expected at least one key'),
  })
  .strict()
  .refine((ring) => ring.active in ring.keys, { message: 'expected the id of one of `keys`', path: ['active'] });

export type KeyringFile = z.infer<typeof keyringFileSchema>;

export interface LoadedKeyring {
  keyring: Keyring;
  /** Where it came from, for a start-up line: never the keys. */
  source: string;
}

function issues(error: z.ZodError): string {
  return issueLines(error).join('; ');
}

/** A parsed keyring file; `where` names it in errors. */
export function parseKeyringFile(json: unknown, where: string): Keyring {
  const parsed = keyringFileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${where}: ${issues(parsed.error)}`);
  return createKeyring(
    parsed.data.active,
    Object.fromEntries(Object.entries(parsed.data.keys).map(([id, key]) => [id, Buffer.from(key, 'base64')])),
  );
}

export async function readKeyringFile(path: string, what = 'keyring file'): Promise<Keyring> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the text around the error, which is key material.
    throw new ConfigError(`the ${what} ${path} is not valid JSON`);
  }
  return parseKeyringFile(json, `${what} ${path}`);
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/**
 * The keyring from the environment (see the module comment). `devFile` is the development keyring
 * used when nothing is configured, outside production only.
 */
export async function loadKeyring(
  env: Record<string, string | undefined>,
  devFile: string = DEV_KEYRING_FILE,
): Promise<LoadedKeyring> {
  const file = env.BREACH_KEYRING;
  const key = env.BREACH_ENCRYPTION_KEY;
  const keyId = env.BREACH_ENCRYPTION_KEY_ID;
  if (isSet(file) && (isSet(key) || isSet(keyId))) {
    throw new ConfigError(
      'set either BREACH_KEYRING (a keyring file) or BREACH_ENCRYPTION_KEY with BREACH_ENCRYPTION_KEY_ID (one key), not both',
    );
  }
  if (isSet(file)) {
    const path = resolve(file);
    return { keyring: await readKeyringFile(path, 'keyring file (BREACH_KEYRING)'), source: `keyring file ${path}` };
  }
  if (isSet(key) || isSet(keyId)) {
    if (!isSet(key))
      throw new ConfigError(
        'BREACH_ENCRYPTION_KEY_ID is set but BREACH_ENCRYPTION_KEY is not: set both (the key in base64, and its id)',
      );
    if (!isSet(keyId))
      throw new ConfigError(
        'BREACH_ENCRYPTION_KEY is set but BREACH_ENCRYPTION_KEY_ID is not: set the id stored with every payload it encrypts (e.g. "2026-01")',
      );
    const parsed = z
      .object({ BREACH_ENCRYPTION_KEY: keySchema, BREACH_ENCRYPTION_KEY_ID: keyIdSchema })
      .safeParse({ BREACH_ENCRYPTION_KEY: key, BREACH_ENCRYPTION_KEY_ID: keyId });
    if (!parsed.success) throw new ConfigError(`bad encryption key configuration: ${issues(parsed.error)}`);
    const id = parsed.data.BREACH_ENCRYPTION_KEY_ID;
    return {
      keyring: createKeyring(id, { [id]: Buffer.from(parsed.data.BREACH_ENCRYPTION_KEY, 'base64') }),
      source: `BREACH_ENCRYPTION_KEY (key id ${id})`,
    };
  }
  if (env.NODE_ENV !== 'production' && existsSync(devFile)) {
    const keyring = await readKeyringFile(devFile, 'development keyring');
    return {
      keyring,
      source: `development keyring ${relative(process.cwd(), devFile) || devFile} (made by npm start)`,
    };
  }
  throw new ConfigError(
    'no encryption key: payloads are encrypted (5 FAM 469.3b). Set BREACH_KEYRING to a keyring file ' +
      '{ "active": "<id>", "keys": { "<id>": "<base64 of 32 bytes>" } }, or BREACH_ENCRYPTION_KEY (`openssl rand -base64 32`) with BREACH_ENCRYPTION_KEY_ID' +
      (env.NODE_ENV === 'production'
        ? ''
        : `; in development \`npm start\` makes one in ${relative(process.cwd(), devFile) || devFile}`),
  );
}

/** The JSON of a new keyring with one fresh key; the id is unique, so two machines' keys are never confused. */
export function newKeyringFile(
  keyId = `dev-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`,
): KeyringFile {
  return { active: keyId, keys: { [keyId]: randomBytes(KEY_BYTES).toString('base64') } };
}

/**
 * `npm start`: the keyring for its worker and API. Configured keys are checked and passed on as they
 * are; else the development keyring in the data folder, made on first run (mode 0600, git-ignored).
 * Returns the variables for the children and what to tell the operator.
 */
export async function prepareDevKeyring(
  env: Record<string, string | undefined>,
  dataDir: string,
): Promise<{ childEnv: Record<string, string>; note: string }> {
  if (isSet(env.BREACH_KEYRING) || isSet(env.BREACH_ENCRYPTION_KEY) || isSet(env.BREACH_ENCRYPTION_KEY_ID)) {
    const { source } = await loadKeyring(env);
    return {
      childEnv: isSet(env.BREACH_KEYRING) ? { BREACH_KEYRING: resolve(env.BREACH_KEYRING) } : {},
      note: `payloads encrypted with the ${source}`,
    };
  }
  const file = join(resolve(dataDir), DEV_KEYRING_FILE_NAME);
  const shown = relative(process.cwd(), file) || file;
  let created = false;
  await mkdir(dirname(file), { recursive: true });
  try {
    // `wx`: never overwrite a keyring; incidents in the database can only be read with it.
    await writeFile(file, `${JSON.stringify(newKeyringFile(), null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  await readKeyringFile(file, 'development keyring');
  return {
    childEnv: { BREACH_KEYRING: file },
    note: created
      ? `made a development encryption key in ${shown} (${file === DEV_KEYRING_FILE ? 'git-ignored; ' : ''}keep it: the incidents of this data folder can only be read with it; set BREACH_KEYRING for real keys)`
      : `payloads encrypted with the development keyring ${shown}`,
  };
}
