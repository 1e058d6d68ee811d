/** config/: one configuration per process, read once, with errors naming the variable and what it expected. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_PLAYBOOK,
  loadApiConfig,
  loadApiTokens,
  loadCliConfig,
  loadPlaybookFile,
  loadStartConfig,
  loadWorkerConfig,
  LOCAL_MAIL_CATCHER,
} from '../../config/index.js';

const dir = await mkdtemp(join(tmpdir(), 'breach-config-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the configurations', () => {
  it('the worker: defaults, and the local mail catcher when SMTP_URL is unset', () => {
    const config = loadWorkerConfig({});
    expect(config).toMatchObject({
      taskQueue: 'breach-response',
      smtpUrl: LOCAL_MAIL_CATCHER,
      smtpUrlIsDefault: true,
      smtpMaxConnections: 5,
      maxCachedWorkflows: 250,
      maxConcurrentActivities: undefined,
      logLevel: 'WARN',
      production: false,
      publicUrl: 'http://localhost:3000',
    });
    expect(config.temporal).toEqual({
      connectionOptions: expect.objectContaining({ address: 'localhost:7233' }),
      namespace: 'default',
    });
    expect(
      loadWorkerConfig({
        BREACH_WORKER_LOG_LEVEL: 'debug',
        NODE_ENV: 'production',
        BREACH_PUBLIC_URL: 'https://breach.example.gov/',
        BREACH_WORKER_MAX_CONCURRENT_ACTIVITIES: '2',
      }),
    ).toMatchObject({
      logLevel: 'DEBUG',
      production: true,
      publicUrl: 'https://breach.example.gov',
      maxConcurrentActivities: 2,
    });
  });

  it('every bad variable is named, with what was expected', () => {
    const error = (() => {
      try {
        loadWorkerConfig({
          SMTP_URL: 'http://mail',
          BREACH_WORKER_LOG_LEVEL: 'LOUD',
          SMTP_MAX_CONNECTIONS: '0',
          BREACH_WORKER_MAX_CONCURRENT_ACTIVITIES: 'many',
          BREACH_TASK_QUEUE: 'a queue',
        });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('SMTP_URL: expected smtp://host:port or smtps://host:port');
    expect(message).toContain('BREACH_WORKER_LOG_LEVEL: expected one of TRACE, DEBUG, INFO, WARN, ERROR');
    expect(message).toMatch(/SMTP_MAX_CONNECTIONS: .*1/);
    expect(message).toMatch(/BREACH_WORKER_MAX_CONCURRENT_ACTIVITIES: .*number/);
    expect(message).toContain('BREACH_TASK_QUEUE: expected a task queue name');
    expect(() => loadApiConfig({ BREACH_API_PORT: 'eighty' })).toThrow(/BREACH_API_PORT: /);
    expect(() => loadApiConfig({ BREACH_PUBLIC_URL: 'ftp://x' })).toThrow(/BREACH_PUBLIC_URL: /);
    expect(() => loadStartConfig({ BREACH_RECEIVER_PORT: '70000' })).toThrow(
      /BREACH_RECEIVER_PORT: expected a port from 1 to 65535/,
    );
  });

  it('the API, the CLI and npm start each read their own variables', () => {
    expect(
      loadApiConfig({ BREACH_API_HOST: '0.0.0.0', BREACH_API_PORT: '3100', BREACH_UI_ORIGINS: 'http://ui:8233' }),
    ).toMatchObject({
      apiHost: '0.0.0.0',
      apiPort: 3100,
      publicUrl: 'http://localhost:3100',
      uiOrigins: 'http://ui:8233',
    });
    expect(loadCliConfig({ BREACH_ACTOR: 'ips-director' })).toMatchObject({
      actor: 'ips-director',
      playbookPath: DEFAULT_PLAYBOOK,
    });
    expect(loadStartConfig({ BREACH_TEMPORAL_UI_PORT: '' })).toMatchObject({
      temporalUiPort: undefined,
      mailSmtpPort: 2525,
      mailWebPort: 8025,
      receiverPort: 4010,
    });
  });
});

describe('the API token file', () => {
  const write = async (name: string, content: unknown) => {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify(content));
    return path;
  };

  it('says what a token must be, without quoting it', async () => {
    const playbook = await loadPlaybookFile(DEFAULT_PLAYBOOK);
    const path = await write('short.json', { 'demo-ips-director-token': 'ips-director', short: 'ips-director' });
    const error = await loadApiTokens(path, playbook).catch((err: Error) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `API token file ${path}, entry 2: a token must be at least 16 characters (this one has 5)`,
    );
    expect((error as Error).message).not.toContain('Invalid key in record');
  });

  it('names a person who is not in the playbook, and a file that is not an object', async () => {
    const playbook = await loadPlaybookFile(DEFAULT_PLAYBOOK);
    await expect(
      loadApiTokens(await write('nobody.json', { 'a-long-enough-token-1': 'nobody' }), playbook),
    ).rejects.toThrow(/entry 1: person "nobody" is not in the playbook/);
    await expect(loadApiTokens(await write('list.json', ['a-long-enough-token-1']), playbook)).rejects.toThrow(
      /expected a JSON object/,
    );
    expect(
      (await loadApiTokens(await write('good.json', { 'a-long-enough-token-1': 'ips-director' }), playbook)).get(
        'a-long-enough-token-1',
      ),
    ).toBe('ips-director');
  });
});
