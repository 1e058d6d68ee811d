/** Who owes each external report of 468.3b (domain/duties.ts derives its duty; workflows/duty-rules.ts accepts its `report-filed`). */
import type { Role } from './roles.js';

/**
 * Who owes each external report, and who alone may record it filed another way (`report-filed`). 5 FAM
 * 468.3b lists, under the report to DS/CIRT or the Privacy Division, "(1) DS/CIRT will notify US-CERT
 * within one hour; and (2) if a criminal act is suspected or confirmed, notify OIG/INV either concurrent
 * with or subsequent to notification to US-CERT": we read (2) as DS/CIRT's too, the subject of (1), since
 * its timing is tied to DS/CIRT's own US-CERT report. So the OIG referral is DS/CIRT's (the DHS playbook's
 * SOC), whatever the medium.
 */
const REPORT_OWNER: Record<string, Role> = { usCert: 'dsCirt', privacyDivision: 'privacyDivision', oig: 'dsCirt' };

/** The role that owes the report to `to` and records it filed another way (468.3b). */
export function reportOwner(to: string): Role {
  return REPORT_OWNER[to] ?? 'privacyDivision';
}
