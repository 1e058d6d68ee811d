/**
 * The rule sets an incident runs under, decided once at its start from the patch registry
 * (workflows/patches.ts): read by signal handlers and the `decide` validator, where `patched()` may not be
 * called.
 */
import { askSinceMarker, isPatched } from './since-marker.js';
import {
  CUSTODY_FACTS_PATCH,
  CUSTODY_REPORT_RECIPIENT,
  DUTIES_DERIVED,
  DUTY_FOLLOW_UPS_PATCH,
  ITEM_CLOCK_ENDS_WITH_ITEM,
  NAMED_PROGRAM_MANAGERS_PATCH,
  POLICY_FACTS_PATCH,
  PPGB_MEMBERS_OBJECT_PATCH,
  REHABILITATION_ACT_PATCH,
  RULES_468_6,
} from './patch-ids.js';

/** The rule sets of the policy-facts patch (5 FAM 468.1(4), 468.3b(2), 467.2b-c, 469.6, 464c; OMB; CISA). */
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
  /** Only the program managers the report names are told and see it (need to know, 469.2c(1)). */
  namedProgramManagers: boolean;
  /** Employees' medical information is a Rehabilitation Act matter (domain/rehabilitation-act.ts). */
  rehabilitationAct: boolean;
  /**
   * Under the duty rules (docs/lifecycle.md "Duties"): each open action item reminds and escalates its
   * owner like a gate (workflows/item-owners.ts); a US-CERT report owed after a supplement made the case
   * cyber is marked late when its hour passes; a supplement naming a program manager or adding
   * employees' medical information is derived again; the OIG referral is DS/CIRT's to record filed.
   */
  dutyFollowUps: boolean;
  /** An item owner's clock ends when its item leaves the list (a resubmitted analysis replaces it), not only when done. */
  itemClockEndsWithItem: boolean;
  /** The custody exemption refused where the report's `disclosedTo` names neither the custodian nor the recipient. */
  custodyReportRecipient: boolean;
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
  dutyFollowUps: false,
  itemClockEndsWithItem: false,
  custodyReportRecipient: false,
};

/** The rules an incident runs under, decided once, in its first workflow task. */
export interface Rules {
  features: Features;
  /** The letter and delay rules (468.6-1, 468.6-3). */
  rules468: boolean;
  /** Duties derived, closure when none is open (domain/duties.ts). */
  duties: boolean;
}

/** Asked in this order since each patch came (the order of the markers), after the since marker. */
export function startRules(): Rules {
  askSinceMarker();
  const facts = isPatched(POLICY_FACTS_PATCH);
  const custodyFacts = isPatched(CUSTODY_FACTS_PATCH);
  const ppgbMembersObject = isPatched(PPGB_MEMBERS_OBJECT_PATCH);
  const namedProgramManagers = isPatched(NAMED_PROGRAM_MANAGERS_PATCH);
  const rehabilitationAct = isPatched(REHABILITATION_ACT_PATCH);
  const rules468 = isPatched(RULES_468_6);
  const duties = isPatched(DUTIES_DERIVED);
  // Not covered by the since marker: came after it, asked on its own.
  const dutyFollowUps = duties && isPatched(DUTY_FOLLOW_UPS_PATCH);
  const itemClockEndsWithItem = dutyFollowUps && isPatched(ITEM_CLOCK_ENDS_WITH_ITEM);
  const custodyReportRecipient = custodyFacts && isPatched(CUSTODY_REPORT_RECIPIENT);
  return {
    features: {
      laterFacts: facts,
      structuredGrounds: facts,
      accounting: facts,
      majorIncident: facts,
      cisaReport: facts,
      custodyFacts,
      ppgbMembersObject,
      namedProgramManagers,
      rehabilitationAct,
      dutyFollowUps,
      itemClockEndsWithItem,
      custodyReportRecipient,
    },
    rules468,
    duties,
  };
}
