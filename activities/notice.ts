/**
 * What each message the workflow sends to officials carries, one shape per template (activities/templates.ts
 * renders it). Mail to groups (CRG, PPGB, SAOP)
 * carries the minimum: the opaque incident id, phase, medium, PII *types* and counts, never names,
 * summaries or contact details of the people affected (docs/lifecycle.md, "What the system itself must not
 * do with PII"). Only the reporter's own chain (supervisor, program manager) and the focal points that
 * must act on the report (DS/CIRT, Privacy Division) receive the reporter's summary.
 */
import type { CaseRecord } from '../domain/case-record.js';

/**
 * Every notice may carry the case number (`PII-2026-0042`): the subject and the body then name the case
 * by it, the incident id after it for the systems (workflows/activities.ts `mail` adds it).
 */
export type Notice = NoticeOf & { caseNumber?: string };

type NoticeOf =
  | {
      template: 'report-received';
      audience: 'supervisor' | 'program-manager' | 'focal-point';
      incidentId: string;
      medium: string;
      piiTypes: string[];
      affectedCount: number;
      discoveredAt: string;
      reportingDeadline: string;
      summary: string;
      classified: boolean;
      criminal: boolean;
    }
  | {
      template: 'oig-referral';
      incidentId: string;
      medium: string;
      piiTypes: string[];
      affectedCount: number;
      discoveredAt: string;
    }
  | { template: 'security-incident'; incidentId: string; medium: string; discoveredAt: string }
  | {
      template: 'reporting-late';
      incidentId: string;
      discoveredAt: string;
      reportingDeadline: string;
      onArrival: boolean;
    }
  | { template: 'endpoint-rejected'; incidentId: string; endpoint: string; message: string }
  | {
      template: 'decision-requested';
      incidentId: string;
      role: string;
      kinds: string[];
      phase: string;
      reminder: number;
      /** What the deciders need besides the kinds: the route taken, the CGFS estimate (468.5d). */ detail?: string;
    }
  | {
      template: 'gate-escalation';
      incidentId: string;
      role: string;
      kinds: string[];
      phase: string;
      since: string;
      /** Whom, when not the SAOP (a stalled Chair). */ to?: string;
    }
  | {
      template: 'crg-convened';
      incidentId: string;
      medium: string;
      piiTypes: string[];
      affectedCount: number;
      affectedPopulation: string;
      responsibleOffice: string;
    }
  | {
      template: 'ppgb-informed';
      incidentId: string;
      event:
        | 'minimal-risk'
        | 'delay-requested'
        | 'delay-extended'
        | 'delay-lifted'
        | 'notification-barred'
        | 'case-closed'
        | 'response';
      detail: string;
    }
  | {
      template: 'action-item-assigned';
      incidentId: string;
      itemId: string;
      /** A reminder's number. */ reminder?: number;
    }
  | { template: 'record-not-filed'; incidentId: string; refused: boolean }
  | { template: 'case-record'; incidentId: string; record: CaseRecord }
  | {
      template: 'yearly-duty';
      incidentId: string;
      duty: 'annual-exercise' | 'annual-plan-review' | 'yearly-figures';
      year: number;
      /** e.g. FY2026 for the fiscal year's figures. */ period?: string;
      detail: string;
    }
  | { template: 'exercise-inject'; incidentId: string; runId: string; injectId: string; title: string }
  | {
      template: 'major-incident';
      stage: 'flagged' | 'reminder' | 'escalation' | 'overdue';
      incidentId: string;
      affectedCount: number;
      threshold: number;
      since: string;
      congressDueAt: string;
      source: string;
      reminder?: number;
    }
  | {
      template: 'liaison-notice';
      incidentId: string;
      liaison: string;
      piiTypes: string[];
      affectedCount: number;
      letters: number;
      emails: number;
      substituteNotice: boolean;
    };
