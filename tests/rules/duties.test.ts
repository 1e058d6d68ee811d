/**
 * domain/duties.ts as a property: random sequences of reports, supplements and decisions on a model of
 * the case. No sequence closes with an undischarged duty (the sign-off is refused while one is open),
 * and adding a fact never removes a duty that is not done. The seed is printed, so a failure replays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveDuties, openBeforeClosure, reportOwner, type DutyFacts } from '../../domain/duties.js';
import type { RecordedDecision } from '../../domain/state.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const HOUR = 3_600_000;

type Step =
  | { kind: 'supplement'; cyber: boolean; criminal: boolean; classified: boolean; count: number }
  | { kind: 'deliver'; to: 'usCert' | 'privacyDivision' | 'oig' }
  | { kind: 'triage'; convene: boolean }
  | { kind: 'analysis'; risk: 'low' | 'moderate' | 'high'; notify: boolean }
  | { kind: 'final'; outcome: 'approve-notification' | 'decline-notification' }
  | { kind: 'window-ended' }
  | { kind: 'run'; ok: boolean }
  | { kind: 'complete-items' }
  | { kind: 'sign-off' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('supplement' as const),
    cyber: fc.boolean(),
    criminal: fc.boolean(),
    classified: fc.boolean(),
    count: fc.integer({ min: 0, max: 200_000 }),
  }),
  fc.record({ kind: fc.constant('deliver' as const), to: fc.constantFrom('usCert', 'privacyDivision', 'oig') }),
  fc.record({ kind: fc.constant('triage' as const), convene: fc.boolean() }),
  fc.record({
    kind: fc.constant('analysis' as const),
    risk: fc.constantFrom('low', 'moderate', 'high'),
    notify: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('final' as const),
    outcome: fc.constantFrom('approve-notification', 'decline-notification'),
  }),
  fc.constant({ kind: 'window-ended' as const }),
  fc.record({ kind: fc.constant('run' as const), ok: fc.boolean() }),
  fc.constant({ kind: 'complete-items' as const }),
  fc.constant({ kind: 'sign-off' as const }),
);

/** A model of the case: the facts the workflow keeps, moved by each step as the workflow moves them. */
function start(cyber: boolean): DutyFacts {
  return {
    state: {
      reportingDeadline: new Date(T0 + HOUR).toISOString(),
      responsibleOffice: null,
      crgConvened: null,
      risk: null,
      authorizedDisclosure: null,
      route: null,
      actionItems: [],
      delay: null,
      decisions: [],
      timeline: [],
      majorIncident: null,
    },
    criminalActSuspected: false,
    classifiedInvolved: false,
    cyberSince: cyber ? new Date(T0).toISOString() : null,
    firstNonCyber: !cyber,
    reportingWindowMs: HOUR,
    routing: [],
    costBasis: [],
    costEstimatedFor: null,
    reanalysis: null,
    finalAuthority: 'underSecretary',
    run: { status: 'none' },
    lastLetterAt: null,
    returnsWindowMs: 30 * 24 * HOUR,
    signedOff: null,
    archive: { status: 'not-yet', reference: null, at: null },
    now: T0,
  };
}

function apply(f: DutyFacts, s: Step, now: number): DutyFacts {
  const at = new Date(now).toISOString();
  const decided = (d: Omit<RecordedDecision, 'at' | 'actorId'>) => [...f.state.decisions, { ...d, at, actorId: 'x' }];
  const analysed = f.state.decisions.some((d) => d.kind === 'submit-analysis');
  switch (s.kind) {
    case 'supplement': {
      // Facts only widen; a changed count before notification asks for the analysis again.
      const major =
        f.state.majorIncident ??
        (s.count >= 100_000 ? { since: at, congressDueAt: at, source: 's', affectedCount: s.count } : null);
      return {
        ...f,
        criminalActSuspected: f.criminalActSuspected || s.criminal,
        classifiedInvolved: f.classifiedInvolved || s.classified,
        cyberSince: f.cyberSince ?? (s.cyber ? at : null),
        reanalysis: analysed && f.run.status !== 'done' ? { at, reason: 'changed' } : f.reanalysis,
        state: {
          ...f.state,
          majorIncident: major,
          actionItems:
            major && !f.state.actionItems.some((i) => i.id === 'congress-notification')
              ? [...f.state.actionItems, { id: 'congress-notification', ownerRole: 'ppgbChair', status: 'open' }]
              : f.state.actionItems,
        },
      };
    }
    case 'deliver':
      return { ...f, routing: [...f.routing, { to: s.to, at, status: 'delivered', receipt: null }] };
    case 'triage':
      if (f.state.crgConvened !== null) return f;
      return {
        ...f,
        state: {
          ...f.state,
          responsibleOffice: 'IRM',
          crgConvened: s.convene,
          actionItems: [...f.state.actionItems, { id: 'fact-finding', ownerRole: 'responsibleOffice', status: 'open' }],
        },
      };
    case 'analysis':
      if (f.state.crgConvened === null || f.run.status === 'done') return f;
      return {
        ...f,
        reanalysis: null,
        state: {
          ...f.state,
          risk: s.risk,
          route: { phase: s.notify || s.risk !== 'low' ? 'ppgb-chair-review' : 'ppgb-advised', reason: '' },
          decisions: decided({ kind: 'submit-analysis' }),
        },
      };
    case 'final':
      if (!analysed) return f;
      return {
        ...f,
        state: { ...f.state, decisions: decided({ kind: 'under-secretary-decision', outcome: s.outcome }) },
      };
    case 'window-ended':
      return { ...f, state: { ...f.state, timeline: [...f.state.timeline, { at, event: 'objection-window-ended' }] } };
    case 'run':
      return s.ok
        ? { ...f, run: { status: 'done', at, detail: 'reached all' }, lastLetterAt: at }
        : { ...f, run: { status: 'failed', detail: 'roster 404' } };
    case 'complete-items':
      return {
        ...f,
        state: {
          ...f.state,
          actionItems: f.state.actionItems.map((i) => ({ ...i, status: 'done' as const, evidence: 'done' })),
        },
      };
    case 'sign-off':
      // The workflow's check (workflows/decisions.ts): refused while a duty before closure is open.
      if (openBeforeClosure(deriveDuties({ ...f, now })).length > 0) return f;
      return { ...f, signedOff: { at, by: 'ips-director' } };
  }
}

describe('duties over random sequences (domain/duties.ts)', () => {
  it('467.2c: no sequence of reports, supplements and decisions closes with an undischarged duty; a fact never removes an open duty', () => {
    const seed = Number(process.env.DUTIES_SEED ?? Date.now() % 2 ** 31);
    console.log(`duties property seed ${seed} (DUTIES_SEED=${seed} replays it)`);
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 40 }), (cyber, steps) => {
        let f = start(cyber);
        let now = T0;
        for (const s of steps) {
          now += 6 * HOUR * (s.kind === 'window-ended' ? 200 : 1);
          const before = deriveDuties({ ...f, now });
          f = apply(f, s, now);
          const after = deriveDuties({ ...f, now });
          if (s.kind === 'supplement') {
            for (const d of before.filter((x) => x.status === 'open'))
              expect(
                after.some((x) => x.id === d.id),
                `the fact removed open duty ${d.id}`,
              ).toBe(true);
          }
          if (f.signedOff) {
            expect(openBeforeClosure(after)).toEqual([]);
            return;
          }
        }
      }),
      { seed, numRuns: 300 },
    );
  });

  it('468.5e: a major incident owes the final authority even at low risk', () => {
    let f = start(true);
    f = apply(f, { kind: 'supplement', cyber: true, criminal: false, classified: false, count: 150_000 }, T0 + HOUR);
    f = apply(f, { kind: 'triage', convene: false }, T0 + 2 * HOUR);
    f = apply(f, { kind: 'analysis', risk: 'low', notify: false }, T0 + 3 * HOUR);
    const duties = deriveDuties(f);
    expect(duties.find((d) => d.id === 'final-decision')).toMatchObject({ status: 'open', paragraph: '468.5e' });
  });

  it('468.5c, 468.5e: a major incident found an authorized disclosure leaving no breach owes no final decision (the PPGB is advised, as the workflow routes it)', () => {
    let f = start(true);
    f = apply(f, { kind: 'supplement', cyber: true, criminal: false, classified: false, count: 150_000 }, T0 + HOUR);
    f = apply(f, { kind: 'triage', convene: true }, T0 + 2 * HOUR);
    f = apply(f, { kind: 'analysis', risk: 'low', notify: false }, T0 + 3 * HOUR);
    const exempt = { ...f, state: { ...f.state, authorizedDisclosure: { basis: 'hipaa-custody-exemption' } } };
    expect(deriveDuties(exempt).map((d) => d.id)).not.toContain('final-decision');
    // Where part of the disclosure is still a breach, the major incident owes the final authority.
    const partly = {
      ...f,
      state: { ...f.state, authorizedDisclosure: { basis: 'hipaa-custody-exemption', breachRemains: ['ssn'] } },
    };
    expect(deriveDuties(partly).find((d) => d.id === 'final-decision')?.status).toBe('open');
  });

  it('468.3b(1): a case learned cyber owes US-CERT within the hour of learning it', () => {
    const learned = new Date(T0 + 5 * HOUR).toISOString();
    const duties = deriveDuties({ ...start(false), cyberSince: learned });
    expect(duties.find((d) => d.id === 'report:usCert')).toMatchObject({
      status: 'open',
      dueAt: new Date(T0 + 6 * HOUR).toISOString(),
    });
  });

  it('468.6-2a/b: the returns window is a duty until it has passed', () => {
    let f = start(true);
    f = apply(f, { kind: 'triage', convene: true }, T0 + HOUR);
    f = apply(f, { kind: 'analysis', risk: 'high', notify: true }, T0 + 2 * HOUR);
    f = apply(f, { kind: 'final', outcome: 'approve-notification' }, T0 + 3 * HOUR);
    f = apply(f, { kind: 'run', ok: true }, T0 + 4 * HOUR);
    expect(deriveDuties({ ...f, now: T0 + 5 * HOUR }).find((d) => d.id === 'returns-window')?.status).toBe('open');
    expect(deriveDuties({ ...f, now: T0 + 31 * 24 * HOUR }).find((d) => d.id === 'returns-window')?.status).toBe(
      'discharged',
    );
  });

  it('468.3b(1): where the playbook routes every medium to US-CERT (the DHS SOC), a non-cyber first report owes US-CERT, and learning it is cyber owes nothing more', () => {
    const learned = new Date(T0 + 5 * HOUR).toISOString();
    const duties = deriveDuties({ ...start(false), firstEndpoint: 'usCert', cyberSince: learned });
    const reports = duties.filter((d) => d.id.startsWith('report:'));
    expect(reports).toEqual([
      expect.objectContaining({ id: 'report:usCert', owner: 'dsCirt', dueAt: new Date(T0 + HOUR).toISOString() }),
    ]);
    const delivered = deriveDuties({
      ...start(false),
      firstEndpoint: 'usCert',
      routing: [{ to: 'usCert', at: new Date(T0).toISOString(), status: 'delivered', receipt: 'SOC-1' }],
    });
    expect(delivered.find((d) => d.id === 'report:usCert')?.status).toBe('discharged');
  });

  it('468.3b(2): the OIG referral is owed by DS/CIRT, who alone records it filed another way', () => {
    expect(reportOwner('oig')).toBe('dsCirt');
    expect(reportOwner('usCert')).toBe('dsCirt');
    expect(reportOwner('privacyDivision')).toBe('privacyDivision');
    const duties = deriveDuties({ ...start(true), criminalActSuspected: true });
    expect(duties.find((d) => d.id === 'report:oig')).toMatchObject({ owner: 'dsCirt', paragraph: '468.3b(2)' });
  });
});
