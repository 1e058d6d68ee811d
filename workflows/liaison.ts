/**
 * Liaison notices (5 FAM 467.4-2b(4)): once the affected people are notified, the Privacy Division, which
 * keeps the Department's liaison with outside entities, is asked to inform each one the CRG chose (FTC,
 * credit bureaus, Congress, law enforcement), with counts only.
 */
import { mail } from './activities.js';
import type { Incident } from './incident-state.js';
import { inBackground } from './background.js';

export function liaisonNotices(incident: Incident): void {
  const { state, report } = incident;
  for (const liaison of incident.liaisons) {
    inBackground(incident, `liaison-${liaison}`, async () => {
      await mail(`Liaison notice: ${liaison}`).sendNotice({
        to: incident.recipients('privacyDivision'),
        notice: {
          template: 'liaison-notice',
          incidentId: state.incidentId,
          liaison,
          piiTypes: report.piiTypes,
          affectedCount: report.affectedCount,
          letters: state.notification?.letters ?? 0,
          emails: state.notification?.emails ?? 0,
          substituteNotice: state.notification?.substituteNotice ?? false,
        },
        step: `liaison-${liaison}`,
      });
      incident.log(`liaison-notice:${liaison}`);
    });
  }
}
