/**
 * The options of 5 FAM 468.5a that people must carry out: each opens an action item, owned by a role,
 * when the analysis chooses it (workflows/apply.ts).
 */
import type { Role } from './roles.js';
import type { ActionItemId } from './state.js';

/** Options that people must carry out, each an action item, with the role that owns it. */
export const OPTION_ITEMS: Partial<Record<string, { id: ActionItemId; owner: Role; description: string }>> = {
  'credit-protection': {
    id: 'credit-protection',
    owner: 'responsibleOffice',
    description: 'Arrange the credit protection services offered (5 FAM 468.5a(2), 468.6-1b).',
  },
  'notify-issuing-bank': {
    id: 'notify-issuing-bank',
    owner: 'cgfs',
    description: 'Notify the bank that issued the Government credit cards (5 FAM 468.5a(3)).',
  },
  'systemic-review': {
    id: 'systemic-review',
    owner: 'crg',
    description: 'Review systemic vulnerabilities and preventive measures (5 FAM 468.5a(4)).',
  },
  remediation: {
    id: 'remediation',
    owner: 'responsibleOffice',
    description: 'Carry out the remediation actions identified (5 FAM 468.5a(5)).',
  },
  'other-mitigation': {
    id: 'other-mitigation',
    owner: 'responsibleOffice',
    description: 'Take the other measures to mitigate the potential harm (5 FAM 468.5a(6)).',
  },
};

/** DHS PIHG (CBP seed): for medical information, mitigation includes destroying extra copies. */
export const MEDICAL_MITIGATION =
  'Limit further dissemination: have extra copies of the medical records destroyed and record it as evidence (DHS Privacy Incident Handling Guidance, CBP).';
