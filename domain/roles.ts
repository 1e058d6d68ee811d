/** The roles of docs/lifecycle.md ("People and offices"); a playbook names who holds each. */
export const ROLES = [
  'programManager',
  'dsCirt',
  'privacyDivision',
  'ipsDirector',
  'crg',
  'cgfs',
  'ppgbChair',
  'ppgb',
  'underSecretary',
  'notificationOfficial',
  'oigInvestigations',
  'securityIncident',
  'securityLiaison',
  'responsibleOffice',
  /** The Chief Information Officer: told at once of a major incident (OMB's definition; docs/lifecycle.md). */
  'cio',
] as const;
export type Role = (typeof ROLES)[number];
