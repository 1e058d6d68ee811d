import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, parsePlaybook, PlaybookError, REQUIRED_ROLES } from '../../domain/playbook.js';
import { ROLES } from '../../domain/roles.js';
import { alwaysTold, routeFor } from '../../domain/playbook-terms.js';
import { playbookCheck } from '../../cli/playbook-check.js';
import { DEFAULT_API_TOKENS, DEFAULT_PLAYBOOK, loadApiTokens, loadPlaybookFile } from '../../config/index.js';

const STATE = DEFAULT_PLAYBOOK;
const CBP = new URL('../../playbooks/dhs-cbp.json', import.meta.url).pathname;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const stateJson = (): Json => JSON.parse(readFileSync(STATE, 'utf8')) as Json;

const dir = mkdtempSync(join(tmpdir(), 'playbook-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function writeTemp(content: string): string {
  const path = join(dir, `playbook-${n++}.json`);
  writeFileSync(path, content);
  return path;
}

describe('the shipped playbooks', () => {
  it.each([
    ['state-5fam.json', STATE],
    ['dhs-cbp.json', CBP],
  ])('%s validates, every role held, every person fictional', async (_name, path) => {
    const playbook = await loadPlaybookFile(path);
    for (const role of ROLES)
      expect(
        playbook.people.some((p) => p.roles.includes(role)),
        role,
      ).toBe(true);
    for (const p of playbook.people) {
      expect(p.email).toMatch(/@[a-z.-]+\.example$/);
      expect(p.id).toMatch(/^[a-z0-9-]+$/);
    }
    for (const name of ENDPOINTS)
      expect(playbook.endpoints[name]).toMatchObject({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:4010\//),
        tokenEnv: expect.any(String),
        timeout: '10s',
      });
    expect(playbook.timers.reportingDeadline).toBe('1h'); // 5 FAM 467.2a
    const check = await playbookCheck(path);
    expect(check.ok).toBe(true);
  });

  it('state-5fam.json: the CRG of 467.4-3, the PPGB of 467.3-2c, the Under Secretary decides', async () => {
    const playbook = await loadPlaybookFile(STATE);
    const crg = playbook.people.filter((p) => p.roles.includes('crg')).map((p) => p.id);
    expect(crg).toEqual([
      'ips-director',
      'crg-ds',
      'crg-irm',
      'crg-cgfs',
      'crg-ca',
      'crg-r',
      'crg-med',
      'crg-l',
      'crg-dghr',
      'crg-h',
    ]);
    expect(playbook.people.filter((p) => p.roles.includes('ppgb')).length).toBeGreaterThanOrEqual(12);
    expect(playbook.finalNotificationAuthority).toBe('underSecretary');
    expect(playbook.organization).toBe('the Department of State');
    expect(playbook.timers).toEqual({
      reportingDeadline: '1h',
      gateReminderInterval: '24h',
      gateEscalateAfter: '5d',
      minimalRiskObjectionWindow: '10d',
      maxDelayWithoutReview: '30d',
      // 468.6-2a/b: returned letters awaited 30 days after the last one (docs/lifecycle.md "Duties").
      returnsWindow: '30d',
    });
    expect(playbook.people.find((p) => p.id === 'ips-director')?.email).toBe('ips.director@state.example');
  });

  it('dhs-cbp.json: a different organization from the same code', async () => {
    const playbook = await loadPlaybookFile(CBP);
    expect(playbook.organization).toBe('U.S. Customs and Border Protection');
    expect(playbook.people.find((p) => p.roles.includes('dsCirt'))?.id).toBe('cbp-soc');
    expect(playbook.people.find((p) => p.roles.includes('ppgbChair'))?.id).toBe('dhs-chief-privacy-officer');
    expect(playbook.people.filter((p) => p.roles.includes('programManager')).length).toBeGreaterThanOrEqual(2);
    expect(playbook.timers.returnsWindow).toBe('30d');
  });

  it('demo-api-tokens.json: a token of 16+ characters for every person of the default playbook', async () => {
    const playbook = await loadPlaybookFile(STATE);
    const tokens = await loadApiTokens(DEFAULT_API_TOKENS, playbook);
    expect([...tokens.values()].sort()).toEqual(playbook.people.map((p) => p.id).sort());
    for (const [token, id] of tokens) expect(token).toBe(`demo-${id}-token`);
  });
});

type Mutation = [string, (pb: Json) => void, string, RegExp?];
const MUTATIONS: Mutation[] = [
  ['people missing', (pb) => delete pb.people, 'people'],
  ['people empty', (pb) => (pb.people = []), 'people', /at least one person/],
  ['a person without id', (pb) => delete pb.people[0].id, 'people.0.id'],
  ['a person id with capitals and spaces', (pb) => (pb.people[0].id = 'IPS Director'), 'people.0.id', /lower-case id/],
  ['a duplicate person id', (pb) => (pb.people[1].id = pb.people[0].id), 'people.1.id', /duplicate person id/],
  ['a person without name', (pb) => delete pb.people[2].name, 'people.2.name'],
  ['a blank name', (pb) => (pb.people[2].name = '  '), 'people.2.name', /expected a name/],
  ['a person without email', (pb) => delete pb.people[3].email, 'people.3.email'],
  ['a bad email', (pb) => (pb.people[3].email = 'ips.director'), 'people.3.email', /email address/],
  ['a person without roles', (pb) => delete pb.people[4].roles, 'people.4.roles'],
  ['empty roles', (pb) => (pb.people[4].roles = []), 'people.4.roles', /at least one role/],
  ['an unknown role', (pb) => (pb.people[4].roles = ['boss']), 'people.4.roles.0'],
  ['an unknown person field', (pb) => (pb.people[0].phone = '555'), 'people.0', /phone/],
  ...REQUIRED_ROLES.map((role): Mutation => [
    `nobody holds ${role}`,
    (pb) =>
      pb.people.forEach(
        (p: Json) =>
          (p.roles = p.roles
            .filter((r: string) => r !== role)
            .concat(p.roles.length === 1 && p.roles[0] === role ? ['responsibleOffice'] : [])),
      ),
    'people',
    new RegExp(`"${role}"`),
  ]),
  [
    'nobody holds the final authority',
    (pb) => {
      pb.finalNotificationAuthority = 'ppgbChair';
      pb.people.forEach((p: Json) => (p.roles = p.roles.map((r: string) => (r === 'ppgbChair' ? 'ppgb' : r))));
    },
    'people',
    /"ppgbChair"/,
  ],
  ['timers missing', (pb) => delete pb.timers, 'timers'],
  ...(
    ['reportingDeadline', 'gateReminderInterval', 'gateEscalateAfter', 'minimalRiskObjectionWindow'] as const
  ).flatMap((t): Mutation[] => [
    [`timers.${t} missing`, (pb) => delete pb.timers[t], `timers.${t}`],
    [`timers.${t} not a duration`, (pb) => (pb.timers[t] = '1 hour'), `timers.${t}`, /expected a duration/],
    [`timers.${t} zero`, (pb) => (pb.timers[t] = '0s'), `timers.${t}`, /longer than zero/],
  ]),
  ['an unknown timer', (pb) => (pb.timers.coffeeBreak = '15m'), 'timers', /coffeeBreak/],
  ['finalNotificationAuthority missing', (pb) => delete pb.finalNotificationAuthority, 'finalNotificationAuthority'],
  [
    'finalNotificationAuthority unknown',
    (pb) => (pb.finalNotificationAuthority = 'secretary'),
    'finalNotificationAuthority',
    /underSecretary/,
  ],
  ['endpoints missing', (pb) => delete pb.endpoints, 'endpoints'],
  ...ENDPOINTS.flatMap((e): Mutation[] => [
    [`endpoints.${e} missing`, (pb) => delete pb.endpoints[e], `endpoints.${e}`],
    [`endpoints.${e}.url missing`, (pb) => delete pb.endpoints[e].url, `endpoints.${e}.url`],
    [
      `endpoints.${e}.url not http(s)`,
      (pb) => (pb.endpoints[e].url = 'ftp://127.0.0.1/x'),
      `endpoints.${e}.url`,
      /http\(s\) URL/,
    ],
    [
      `endpoints.${e}.tokenEnv lower-case`,
      (pb) => (pb.endpoints[e].tokenEnv = 'uscert token'),
      `endpoints.${e}.tokenEnv`,
      /environment variable/,
    ],
    [`endpoints.${e}.timeout bad`, (pb) => (pb.endpoints[e].timeout = 'soon'), `endpoints.${e}.timeout`, /duration/],
  ]),
  ['an unknown top-level field', (pb) => (pb.owner = 'me'), '(root)', /owner/],
  ['notification.batchSize zero', (pb) => (pb.notification.batchSize = 0), 'notification.batchSize'],
  [
    'notification.progressEvery not a duration',
    (pb) => (pb.notification.progressEvery = 'often'),
    'notification.progressEvery',
    /duration/,
  ],
  [
    'an alternate who is not a person of the playbook',
    (pb) => (pb.alternates = { ppgbChair: ['nobody-here'] }),
    'alternates.ppgbChair.0',
    /"nobody-here"/,
  ],
  ['alternates for an unknown role', (pb) => (pb.alternates = { boss: ['ppgb-chair'] }), 'alternates', /boss/],
  [
    'a letter drafter who is not a person of the playbook',
    (pb) => (pb.letterDrafters = ['ghost-writer']),
    'letterDrafters.0',
    /"ghost-writer"/,
  ],
];

describe('a playbook broken in each required field: the error names it', () => {
  it.each(MUTATIONS)('%s → %s', async (_name, mutate, path, message) => {
    const pb = stateJson();
    mutate(pb);
    const issues = (() => {
      try {
        parsePlaybook(pb, 'test');
      } catch (err) {
        expect(err).toBeInstanceOf(PlaybookError);
        return (err as PlaybookError).issues;
      }
      throw new Error('expected the playbook to be refused');
    })();
    const named = issues.filter((i) => i.path === path);
    expect(named.length, `an issue at ${path} among ${JSON.stringify(issues)}`).toBeGreaterThan(0);
    if (message) expect(named.some((i) => message.test(i.message))).toBe(true);

    const check = await playbookCheck(writeTemp(JSON.stringify(pb)));
    expect(check.ok).toBe(false);
    expect(check.output).toContain(`  ${path}: `);
  });
});

describe('playbookCheck', () => {
  it('summarises a good playbook on one screen: roles → people, timers, endpoints', async () => {
    const { ok, output } = await playbookCheck(STATE);
    expect(ok).toBe(true);
    const lines = output.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(50);
    expect(lines[0]).toBe(`${STATE}: ok`);
    expect(output).toMatch(/^ {2}ipsDirector +ips-director$/m);
    expect(output).toMatch(/^ {2}reportingDeadline +1h$/m);
    expect(output).toMatch(/^ {2}minimalRiskObjectionWindow +10d$/m);
    expect(output).toMatch(
      /^ {2}usCert +http:\/\/127\.0\.0\.1:4010\/us-cert {2}token: \$USCERT_TOKEN {2}timeout: 10s$/m,
    );
    for (const role of ROLES) expect(output).toMatch(new RegExp(`^  ${role} `, 'm'));
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(120);
  });

  it('counts the problems', async () => {
    const pb = stateJson();
    delete pb.timers;
    pb.finalNotificationAuthority = 'nobody';
    const { ok, output } = await playbookCheck(writeTemp(JSON.stringify(pb)));
    expect(ok).toBe(false);
    expect(output).toMatch(/not valid \(2 problems\)/);
  });

  it('reports a missing file', async () => {
    const { ok, output } = await playbookCheck(join(dir, 'nope.json'));
    expect(ok).toBe(false);
    expect(output).toMatch(/cannot read the playbook at .*nope\.json: ENOENT/);
  });

  it('reports a file that is not JSON', async () => {
    const { ok, output } = await playbookCheck(writeTemp('{ "people": [ '));
    expect(ok).toBe(false);
    expect(output).toMatch(/is not valid JSON/);
  });
});

describe('majorIncident and the cio role (OMB major incidents)', () => {
  it('a playbook without them stays valid and gets the policy defaults: 100,000 people, Congress within 7 days', () => {
    const old = stateJson();
    delete old.majorIncident;
    for (const person of old.people as Json[]) person.roles = (person.roles as string[]).filter((r) => r !== 'cio');
    const playbook = parsePlaybook(old);
    expect(playbook.majorIncident).toEqual({ threshold: 100_000, congressWithin: '7d' });
    expect(playbook.people.some((p) => p.roles.includes('cio'))).toBe(false);
  });

  it('a playbook may set its own threshold and time; a bad one is named', () => {
    expect(parsePlaybook({ ...stateJson(), majorIncident: { threshold: 50_000 } }).majorIncident).toEqual({
      threshold: 50_000,
      congressWithin: '7d',
    });
    expect(() => parsePlaybook({ ...stateJson(), majorIncident: { threshold: 0, congressWithin: 'a week' } })).toThrow(
      /majorIncident\.threshold[\s\S]*majorIncident\.congressWithin/,
    );
  });
});

describe('separation of duties in playbook check', () => {
  const withRoles = (roles: Record<string, string[]>, extra: Json = {}): Json => {
    const pb = { ...stateJson(), ...extra };
    pb.people = pb.people.map((p: Json) => (roles[p.id] ? { ...p, roles: [...p.roles, ...roles[p.id]!] } : p));
    return pb;
  };

  it('468.5b: a person who is IPS Director and PPGB Chair is a warning when another Chair can decide', async () => {
    const check = await playbookCheck(writeTemp(JSON.stringify(withRoles({ 'ips-director': ['ppgbChair'] }))));
    expect(check.ok).toBe(true);
    expect(check.output).toMatch(
      /warning: separation of duties: "ips-director" is in ipsDirector and holds ppgbChair: .*468\.5b.*ppgb-chair decide/,
    );
  });

  it('468.5b: the only PPGB Chair also IPS Director, with no alternate, fails; an alternate makes it a warning', async () => {
    const only = withRoles({ 'ips-director': ['ppgbChair'] });
    only.people = only.people.map((p: Json) => (p.id === 'ppgb-chair' ? { ...p, roles: ['ppgb'] } : p));
    const failed = await playbookCheck(writeTemp(JSON.stringify(only)));
    expect(failed.ok).toBe(false);
    expect(failed.output).toContain('separation of duties: "ips-director" is in ipsDirector and holds ppgbChair');
    expect(failed.output).toContain('alternates.ppgbChair');
    const fixed = await playbookCheck(
      writeTemp(JSON.stringify({ ...only, alternates: { ppgbChair: ['ppgb-m-pri'] } })),
    );
    expect(fixed.ok).toBe(true);
    expect(fixed.output).toMatch(/warning: .*ppgb-m-pri decide \(alternates\)/);
  });

  it('468.5e: the PPGB Chair who is also the final authority, alone, fails; not when the Chair is the delegated final authority', async () => {
    const both = withRoles({ 'ppgb-chair': ['underSecretary'] });
    both.people = both.people.map((p: Json) => (p.id === 'under-secretary' ? { ...p, roles: ['ppgb'] } : p));
    const failed = await playbookCheck(writeTemp(JSON.stringify(both)));
    expect(failed.ok).toBe(false);
    expect(failed.output).toContain('468.5e');
    const delegated = await playbookCheck(
      writeTemp(JSON.stringify({ ...both, finalNotificationAuthority: 'ppgbChair' })),
    );
    expect(delegated.ok).toBe(true);
  });

  it('468.6-1: the only notification official named as a letter drafter fails without an alternate', async () => {
    const failed = await playbookCheck(
      writeTemp(JSON.stringify({ ...stateJson(), letterDrafters: ['notification-official'] })),
    );
    expect(failed.ok).toBe(false);
    expect(failed.output).toContain('468.6-1');
    const fixed = await playbookCheck(
      writeTemp(
        JSON.stringify({
          ...stateJson(),
          letterDrafters: ['notification-official'],
          alternates: { notificationOfficial: ['privacy-division'] },
        }),
      ),
    );
    expect(fixed.ok).toBe(true);
  });

  it('the shipped playbooks have no one checking their own decisions', async () => {
    for (const path of [STATE, CBP]) expect((await playbookCheck(path)).output).not.toContain('warning');
  });
});

describe('the one-hour report routing is playbook data (467.2a, 468.3b; DHS PIHG)', () => {
  const load = (file: string) =>
    parsePlaybook(JSON.parse(readFileSync(new URL(`../../playbooks/${file}`, import.meta.url), 'utf8')), file);

  it('468.3b: the State playbook keeps 5 FAM: cyber to DS/CIRT and US-CERT, the rest to the Privacy Division', () => {
    const state = load('state-5fam.json');
    expect(routeFor(state, 'cyber')).toEqual({ office: 'dsCirt', endpoint: 'usCert' });
    expect(routeFor(state, 'non-cyber')).toEqual({ office: 'privacyDivision', endpoint: 'privacyDivision' });
    const { routing: _, ...without } = state;
    expect(routeFor(without, 'non-cyber')).toEqual(routeFor(state, 'non-cyber'));
  });

  it('DHS PIHG: the DHS playbook sends every incident to its SOC whatever the medium, and tells the Privacy Office', () => {
    const dhs = load('dhs-cbp.json');
    for (const medium of ['cyber', 'non-cyber'] as const)
      expect(routeFor(dhs, medium)).toEqual({ office: 'dsCirt', endpoint: 'usCert' });
    expect(alwaysTold(dhs, 'non-cyber')).toEqual(['privacyDivision']);
  });

  it('the playbook schema names a bad route field', () => {
    const raw = JSON.parse(readFileSync(new URL('../../playbooks/dhs-cbp.json', import.meta.url), 'utf8'));
    raw.routing['non-cyber'] = { office: 'soc', endpoint: 'mailVendor' };
    expect(() => parsePlaybook(raw, 'x')).toThrow(/routing\.non-cyber\.office/);
  });
});
