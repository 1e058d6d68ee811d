/**
 * The policy rules an incident runs under, fixed when it starts. Incidents started before a rule was
 * deployed keep the rules they started with: their histories replay, and a rule change never reaches
 * back into a case half done (docs/lifecycle.md). One `patched()` marker per rule set, recorded in the
 * first workflow task; old histories have none, so every rule below is off for them.
 *
 * The flags are read by signal handlers and by the `decide` update's validator too, where `patched()`
 * may not be called (a validator must not add commands): hence once, at the start.
 */
import { patched } from '@temporalio/workflow';

/** 5 FAM 468.1(4), 468.3b(2), 467.2b-c, 469.6, 464c; 45 CFR 164.512(k)(5)(i); OMB major incidents; CISA's guidelines. */
export const POLICY_FACTS_PATCH = 'policy-facts-custody-accounting-major-cisa';

/** 45 CFR 164.512(k)(5)(i): the recipient is the custodian, its determination recorded, medical only, not workforce. */
export const CUSTODY_FACTS_PATCH = 'custody-recipient-determination-medical-only';

/** 5 FAM 468.5c: any PPGB member may object to a finding of minimal risk; the advice carries the computed level. */
export const PPGB_MEMBERS_OBJECT_PATCH = 'ppgb-members-object-computed-risk';

/** 5 FAM 469.2c(1): the program manager the report names is told, and only they of the program managers see it. */
export const NAMED_PROGRAM_MANAGERS_PATCH = 'named-program-managers';

/** The Rehabilitation Act: employees' medical information is never "no breach" nor "minimal risk, no further action". */
export const REHABILITATION_ACT_PATCH = 'rehabilitation-act-workforce-medical';

export interface Features {
  /** A supplement or the analysis that newly says classified / criminal / workforce re-opens the duty at once. */
  laterFacts: boolean;
  /** The custody exemption's grounds as structured fields, the recipient for the accounting (domain/authorized.ts). */
  structuredGrounds: boolean;
  /** An accounting entry (464c) for each disclosure found authorized. */
  accounting: boolean;
  /** The major-incident flag, the SAOP and CIO told, Congress within the playbook's time. */
  majorIncident: boolean;
  /** The one-hour report in CISA's field set; an update for each supplement; the receiver's reference kept. */
  cisaReport: boolean;
  /**
   * The custody exemption on the custodian's facts (domain/authorized.ts): the recipient is the custodian,
   * its determination recorded, workforce members refused, and only the medical part exempt.
   */
  custodyFacts: boolean;
  /**
   * 468.5c: any PPGB member (not only the Chair) may object in the minimal-risk window, and the advice
   * gives the computed risk level and the CRG's rationale where it overrode it.
   */
  ppgbMembersObject: boolean;
  /** 469.2c(1): only the program manager the report names (else the playbook's) is told, and sees the incident. */
  namedProgramManagers: boolean;
  /** Employees' medical information: a Rehabilitation Act matter (domain/rehabilitation-act.ts). */
  rehabilitationAct: boolean;
}

export const NO_FEATURES: Features = {
  laterFacts: false,
  structuredGrounds: false,
  accounting: false,
  majorIncident: false,
  cisaReport: false,
  custodyFacts: false,
  ppgbMembersObject: false,
  namedProgramManagers: false,
  rehabilitationAct: false,
};

export function startFeatures(): Features {
  const on = patched(POLICY_FACTS_PATCH);
  return {
    laterFacts: on,
    structuredGrounds: on,
    accounting: on,
    majorIncident: on,
    cisaReport: on,
    custodyFacts: patched(CUSTODY_FACTS_PATCH),
    ppgbMembersObject: patched(PPGB_MEMBERS_OBJECT_PATCH),
    namedProgramManagers: patched(NAMED_PROGRAM_MANAGERS_PATCH),
    rehabilitationAct: patched(REHABILITATION_ACT_PATCH),
  };
}
