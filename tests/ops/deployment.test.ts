/**
 * Deployment (docs/deployment.md), checked as far as it can be without a container runtime: the
 * Dockerfile's stages, user and entry points; the build commands it runs, run here; the runtime image's
 * layout made in a temporary directory (production dependencies' imports, the compiled entry points, the
 * bundle, the playbooks, the failure converter) and its worker and API started from it exactly as the
 * images' CMD starts them, against the dev server: the API takes a report and the worker runs it. Then the
 * compose file's jobs, the documentation's commands and configuration examples, and the alert rules'
 * metrics. The started processes export traces to a stand-in OTLP collector.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, temporalConnectConfig } from '../../config/index.js';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes.js';
import { freePort } from '../../scripts/local/ports.js';
import { sampleReport } from '../../scripts/local/sample-report.js';
import { createBreachMetrics } from '../../workers/metrics.js';
import { WORKER_READY_MARK } from '../../workers/worker.js';
import {
  startDevServer,
  startHttpReceiver,
  startSmtpReceiver,
  type EndpointReceiver,
  type SmtpReceiver,
  type TestWorkflowEnvironment,
} from '../helpers/index.js';
import { faultKeys, LINK_SECRET, until } from '../faults/fixture.js';

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

interface Stage {
  name: string;
  from: string;
  lines: string[];
}

/** The Dockerfile's stages, continuation lines joined. */
function stages(): Stage[] {
  const text = read('Dockerfile').replace(/\\\n\s*/g, ' ');
  const result: Stage[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) result.push({ from: from[1]!, name: from[2] ?? '', lines: [] });
    else result.at(-1)?.lines.push(line);
  }
  return result;
}

/** A stage's instructions with those of the stages it is built FROM. */
function effective(name: string): string[] {
  const all = stages();
  const stage = all.find((s) => s.name === name)!;
  const parent = all.find((s) => s.name === stage.from);
  return [...(parent ? effective(parent.name) : []), ...stage.lines];
}

/** ENV of a final stage as variables. */
function envOf(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of effective(name).filter((l) => /^ENV\s/i.test(l))) {
    for (const [, key, value] of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[key!] = value!;
  }
  return env;
}

function cmdOf(name: string): string[] {
  const cmd = effective(name)
    .filter((l) => /^CMD\s/i.test(l))
    .at(-1)!;
  return JSON.parse(cmd.slice(4)) as string[];
}

describe('the Dockerfile', () => {
  it('is multi-stage: a build stage with the dev tools, the images from a runtime stage with production dependencies', () => {
    const names = stages().map((s) => s.name);
    expect(names).toEqual(['build', 'deps', 'runtime', 'worker', 'api']);
    expect(stages().find((s) => s.name === 'worker')!.from).toBe('runtime');
    expect(stages().find((s) => s.name === 'api')!.from).toBe('runtime');
    const deps = stages()
      .find((s) => s.name === 'deps')!
      .lines.join('\n');
    expect(deps).toMatch(/npm ci --omit=dev/);
    // The runtime takes nothing of the build stage but its output.
    for (const line of effective('worker').filter((l) => /^COPY\s+--from=build/i.test(l)))
      expect(line).toMatch(/\/app\/dist\/ dist\/$/);
  });

  it('builds the workflow bundle and the entry points at image build time, with scripts that exist', () => {
    const build = stages()
      .find((s) => s.name === 'build')!
      .lines.join('\n');
    expect(build).toMatch(/npm run build:workflows/);
    expect(build).toMatch(/npm run build:server/);
    for (const [, script] of build.matchAll(/npm run ([\w:-]+)/g)) expect(pkg.scripts, script).toHaveProperty(script!);
  });

  it('runs as a non-root user, with NODE_ENV=production and no secret in the image', () => {
    for (const target of ['worker', 'api']) {
      const users = effective(target).filter((l) => /^USER\s/i.test(l));
      expect(users.at(-1), target).toMatch(/^USER\s+(node|[1-9]\d*)$/);
      const env = envOf(target);
      expect(env.NODE_ENV).toBe('production');
      for (const key of Object.keys(env)) expect(key, `${target} ENV ${key}`).not.toMatch(/KEY|SECRET|PASS|TOKEN/);
    }
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const stage of stages()) {
      for (const line of stage.lines.filter((l) => /^COPY\s/i.test(l) && !/--from=/.test(l))) {
        const sources = line
          .split(/\s+/)
          .slice(1)
          .filter((p) => !p.startsWith('--'))
          .slice(0, -1);
        for (const source of sources) {
          expect(existsSync(join(PROJECT_ROOT, source)), `${stage.name}: ${line}`).toBe(true);
          expect(
            ignored.some((i) => source.replace(/\/$/, '') === i || source.startsWith(`${i}/`)),
            `${source} is ignored`,
          ).toBe(false);
        }
      }
    }
    expect(ignored).toEqual(expect.arrayContaining(['.data', 'node_modules', '.git']));
  });

  it('starts the worker and the API from the compiled entry points; the API probes /healthz', () => {
    expect(cmdOf('worker')).toEqual(['node', 'dist/workers-main.mjs']);
    expect(cmdOf('api')).toEqual(['node', 'dist/api-main.mjs']);
    expect(effective('api').join('\n')).toMatch(/HEALTHCHECK .*\/healthz/);
    expect(envOf('worker').BREACH_METRICS_PORT).toBe('9464');
    expect(envOf('api').BREACH_API_HOST).toBe('0.0.0.0');
  });
});

describe("the images' layout, run here", () => {
  const keys = faultKeys('ops-deploy');
  let image: string;
  let env: TestWorkflowEnvironment;
  let smtp: SmtpReceiver;
  /** Stands in for an OpenTelemetry collector (OTLP/HTTP, JSON). */
  let collector: EndpointReceiver;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    [env, smtp, collector] = await Promise.all([
      startDevServer({ dataConverter: keys.dataConverter }),
      startSmtpReceiver(),
      startHttpReceiver(),
    ]);
    // The runtime stage's files: package.json, node_modules, playbooks, the failure converter, dist/.
    image = mkdtempSync(join(tmpdir(), 'breach-image-'));
    copyFileSync(join(PROJECT_ROOT, 'package.json'), join(image, 'package.json'));
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(image, 'node_modules'));
    symlinkSync(join(PROJECT_ROOT, 'playbooks'), join(image, 'playbooks'));
    mkdirSync(join(image, 'security'));
    copyFileSync(
      join(PROJECT_ROOT, 'security', 'failure-converter.js'),
      join(image, 'security', 'failure-converter.js'),
    );
    // The build stage's commands, as the Dockerfile runs them (the bundle written into the layout).
    const server = spawnSync('npm', ['run', 'build:server'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(server.status, server.stderr).toBe(0);
    const bundle = spawnSync(
      'npm',
      ['run', 'build:workflows', '--', '--out', join(image, 'dist', 'workflow-bundle.js')],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    );
    expect(bundle.status, bundle.stderr).toBe(0);
    for (const file of ['workers-main.mjs', 'api-main.mjs', 'cli-breach.mjs'])
      copyFileSync(join(PROJECT_ROOT, 'dist', file), join(image, 'dist', file));
  }, 240_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) =>
        c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined,
      ),
    );
    await Promise.all([smtp?.close(), collector?.close()]);
    await env?.teardown();
  });

  /** Span names the collector received, by service.name. */
  function spansBy(service: string): string[] {
    type Otlp = {
      resourceSpans?: {
        resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
        scopeSpans?: { spans?: { name: string }[] }[];
      }[];
    };
    return collector
      .calls()
      .filter((c) => c.path === '/otel/v1/traces')
      .flatMap((c) => (c.body as Otlp).resourceSpans ?? [])
      .filter((r) => r.resource?.attributes?.some((a) => a.key === 'service.name' && a.value.stringValue === service))
      .flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => (s.spans ?? []).map((span) => span.name)));
  }

  /** Runs a target's CMD in the layout with the stage's ENV and `extra`; resolves once `mark` is printed. */
  function run(
    target: 'worker' | 'api',
    extra: Record<string, string>,
    mark: RegExp,
  ): Promise<{ child: ChildProcess; output: () => string }> {
    const [command, ...args] = cmdOf(target);
    const child = spawn(command === 'node' ? process.execPath : command!, args, {
      cwd: image,
      env: { PATH: process.env.PATH, HOME: image, ...envOf(target), ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const lines: string[] = [];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${target} did not start:\n${lines.join('\n')}`)), 90_000);
      for (const stream of [child.stdout!, child.stderr!]) {
        createInterface({ input: stream }).on('line', (line) => {
          lines.push(line);
          if (mark.test(line)) {
            clearTimeout(timer);
            resolve({ child, output: () => lines.join('\n') });
          }
        });
      }
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${target} exited (${code}):\n${lines.join('\n')}`));
      });
    });
  }

  it('the compiled entry points import only Node built-ins and production dependencies', () => {
    for (const file of readdirSync(join(image, 'dist')).filter((f) => f.endsWith('.mjs'))) {
      const code = readFileSync(join(image, 'dist', file), 'utf8');
      const specifiers = new Set([...code.matchAll(/(?:from|import)\s*\(?\s*"([^"./][^"]*)"/g)].map((m) => m[1]!));
      expect(specifiers.size, file).toBeGreaterThan(3);
      for (const specifier of specifiers) {
        if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        expect(Object.keys(pkg.dependencies), `${file} imports ${specifier}`).toContain(name);
      }
    }
  });

  it('production refuses to start a worker without the shared link secret, saying so', async () => {
    const [command, ...args] = cmdOf('worker');
    const result = spawnSync(command === 'node' ? process.execPath : command!, args, {
      cwd: image,
      env: {
        PATH: process.env.PATH,
        HOME: image,
        ...envOf('worker'),
        BREACH_METRICS_PORT: '0',
        TEMPORAL_ADDRESS: env.address,
        ...keys.env,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/BREACH_LINK_SECRET is required when NODE_ENV=production/);
  });

  it('the worker and the API start as the images start them; a report is taken and run; /healthz, /readyz and /metrics answer', async () => {
    const [apiPort, metricsPort] = await Promise.all([freePort(), freePort()]);
    const taskQueue = `ops-deploy-${Math.random().toString(36).slice(2, 8)}`;
    const shared = {
      TEMPORAL_ADDRESS: env.address,
      BREACH_TASK_QUEUE: taskQueue,
      BREACH_LINK_SECRET: LINK_SECRET,
      OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.url}/otel`,
      ...keys.env,
    };
    const worker = await run(
      'worker',
      {
        ...shared,
        SMTP_URL: smtp.smtpUrl,
        BREACH_METRICS_PORT: String(metricsPort),
        BREACH_METRICS_HOST: '127.0.0.1',
        BREACH_METRICS_COLLECT_SECONDS: '1',
      },
      new RegExp(WORKER_READY_MARK),
    );
    expect(worker.output()).toMatch(/workflow code: pre-built bundle/);
    expect(worker.output()).toMatch(/traces to http:\/\/127\.0\.0\.1:\d+\/otel\/v1\/traces/);
    await run('api', { ...shared, BREACH_API_PORT: String(apiPort), BREACH_API_HOST: '127.0.0.1' }, /listening on/);
    const base = `http://127.0.0.1:${apiPort}`;

    const live = await fetch(`${base}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const auth = { authorization: 'Bearer demo-ips-director-token', 'content-type': 'application/json' };
    const incidentId = `deploy-${Date.now().toString(36)}`;
    const accepted = await fetch(`${base}/incidents`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(sampleReport({ incidentId })),
    });
    expect(accepted.status, await accepted.clone().text()).toBe(202);
    const state = await until(
      async () => {
        const res = await fetch(`${base}/incidents/${incidentId}`, { headers: auth });
        const body = res.status === 200 ? ((await res.json()) as { phase: string }) : undefined;
        // The shipped playbook's US-CERT endpoint is not reachable from here: the incident stays in
        // `reporting`, and its state comes from the workflow the worker runs.
        return body?.phase ? body : undefined;
      },
      "the incident's state from the worker",
      60_000,
      200,
    );
    expect(['reporting', 'triage']).toContain(state.phase);

    const page = await until(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return /^breach_incidents\{phase="(reporting|triage)"\} 1$/m.test(text) ? text : undefined;
      },
      'the incident counted on /metrics',
      30_000,
      500,
    );
    expect(page).toMatch(/^temporal_\w+/m);

    // Tracing (docs/operations-alerts.md "Tracing"): the API's client calls, the worker's activities and,
    // through the interceptors built into the production bundle, the workflow itself.
    await until(
      async () =>
        spansBy('breach-api').length > 0 && spansBy('breach-worker').some((n) => /^RunActivity:/.test(n))
          ? true
          : undefined,
      'spans from the API and the worker',
      30_000,
      500,
    );
    expect(spansBy('breach-api').join(' ')).toMatch(
      /(StartWorkflow|SignalWithStartWorkflow|QueryWorkflow|StartWorkflowUpdate)/,
    );
    await until(
      async () =>
        spansBy('breach-worker').some((n) =>
          /^(RunWorkflow|StartActivity|HandleQuery|HandleSignal|HandleUpdate)/.test(n),
        )
          ? true
          : undefined,
      'spans from inside the workflow',
      30_000,
      500,
    );
  });
});

describe('deploy/ and the documentation', () => {
  it('the compose file builds both targets and runs the schema and namespace jobs, which register every search attribute', () => {
    const compose = read('deploy/compose.yaml');
    expect(compose).toMatch(/target: worker/);
    expect(compose).toMatch(/target: api/);
    expect(compose).toMatch(/image: postgres:/);
    expect(compose).toMatch(/DB: postgres12/);
    for (const [, script] of compose.matchAll(/\/scripts\/([\w-]+\.sh)/g))
      expect(existsSync(join(PROJECT_ROOT, 'deploy', 'scripts', script!)), script).toBe(true);
    const namespace = read('deploy/scripts/create-namespace.sh');
    const types: Record<string, string> = { KEYWORD: 'Keyword', DATETIME: 'Datetime', BOOL: 'Bool' };
    for (const attribute of SEARCH_ATTRIBUTES)
      expect(namespace).toContain(`add ${attribute.name} ${types[attribute.type]}`);
    // No secret value in the compose file: they come from deploy/secrets/ (git-ignored).
    expect(compose).not.toMatch(/^\s*\w*(PASSWORD|SECRET|PASS|PWD|API_KEY)\w*:\s*[^$\s]/m);
    expect(read('deploy/secrets/.gitignore')).toMatch(/^\*$/m);
  });

  it('469.2c(1): the compose UI sends the session to the codec routes, and the API lets its origin call them', () => {
    const compose = read('deploy/compose.yaml');
    expect(compose).toMatch(/TEMPORAL_CODEC_ENDPOINT: \$\{BREACH_PUBLIC_URL/);
    expect(compose).toMatch(/TEMPORAL_CODEC_INCLUDE_CREDENTIALS: "true"/);
    const uiPort = /temporal-ui:[\s\S]*?"127\.0\.0\.1:(\d+):8080"/.exec(compose)?.[1];
    expect(compose).toContain(`BREACH_UI_ORIGINS: \${BREACH_UI_ORIGINS:-http://localhost:${uiPort}}`);
    expect(read('docs/deployment.md')).toMatch(/codec\.passAccessToken: true/);
  });

  it('every npm script and repository file docs/deployment.md names exists', () => {
    const doc = read('docs/deployment.md');
    const scripts = [...doc.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(scripts).toEqual(expect.arrayContaining(['build:workflows', 'build:server']));
    for (const script of scripts) expect(pkg.scripts, script).toHaveProperty(script);
    const paths = [
      ...doc.matchAll(
        /`((?:deploy|docs|security|workers|scripts|api|config|domain|playbooks|tests)\/[\w./-]+|Dockerfile)`/g,
      ),
    ].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(5);
    for (const path of paths) {
      if (path.startsWith('deploy/secrets/') && path !== 'deploy/secrets/') continue; // made by the operator
      expect(existsSync(join(PROJECT_ROOT, path)), path).toBe(true);
    }
  });

  it('the envconfig profiles of docs/deployment.md (API key, mTLS) load as written', () => {
    const doc = read('docs/deployment.md');
    const blocks = [...doc.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(2);
    const dir = mkdtempSync(join(tmpdir(), 'envconfig-'));
    const file = join(dir, 'temporal.toml');
    // The mTLS profile's files, where the secret store would mount them.
    writeFileSync(join(dir, 'temporal-client.pem'), 'CLIENT CERTIFICATE');
    writeFileSync(join(dir, 'temporal-client.key'), 'CLIENT KEY');
    writeFileSync(file, blocks.join('\n').replaceAll('/run/secrets/', `${dir}/`));
    const cloud = temporalConnectConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' });
    expect(cloud.connectionOptions.address).toBe('breach-prod.a1b2c.tmprl.cloud:7233');
    expect(cloud.namespace).toBe('breach-prod.a1b2c');
    expect(cloud.connectionOptions.apiKey).toBe('the-namespace-api-key');
    const mtls = temporalConnectConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud-mtls' });
    expect(mtls.namespace).toBe('breach-prod.a1b2c');
    const tls = mtls.connectionOptions.tls as { clientCertPair?: { crt: Uint8Array; key: Uint8Array } };
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toBe('CLIENT CERTIFICATE');
    expect(Buffer.from(tls.clientCertPair!.key).toString()).toBe('CLIENT KEY');
  });

  it('the alert rules name metrics the worker serves, and docs/operations-alerts.md explains every alert', async () => {
    const rules = read('deploy/prometheus/alerts.yml');
    const served = await createBreachMetrics().registry.getMetricsAsJSON();
    const names = new Set(served.flatMap((m) => [m.name, `${m.name}_bucket`]));
    const used = [...rules.matchAll(/\b(breach_\w+)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(4);
    for (const name of used) expect(names, name).toContain(name);
    const doc = read('docs/operations-alerts.md');
    for (const [, alert] of rules.matchAll(/- alert: (\w+)/g)) expect(doc, alert).toContain(`\`${alert}\``);
  });
});
