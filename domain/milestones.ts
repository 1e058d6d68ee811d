/**
 * The milestones of an incident, read from its timeline (the events workflows/*.ts log). The exercise's
 * expectations (exercises/report.ts) and the SAOP's yearly figures (domain/yearly-figures.ts) measure
 * the same things the same way.
 */
import type { TimelineEntry } from './state.js';

export const MILESTONES = [
  'reported', // the one-hour report delivered (5 FAM 468.3b(1))
  'responsible-office-assigned', // 467.2c
  'crg-convened', // 467.4-2
  'analysis-submitted', // 468.4
  'cost-estimate', // 468.5d
  'final-decision', // 468.5e (or the PPGB Chair where delegated)
  'letters-approved', // 468.6-1
  'notification-delayed', // 468.6-3a
  'notification-barred', // 468.6-3b
  'notified', // 468.6
  'escalated', // a gate escalated to the SAOP (468.2a)
  'oig-referred', // 468.3b(2)
  'closed', // 467.2c sign-off
] as const;
export type Milestone = (typeof MILESTONES)[number];

const FINAL = /^decision:(under-secretary-decision|ppgb-chair-decision|ppgb-decision):(approve|decline)-notification$/;

/** Whether a timeline entry marks the milestone; `role` narrows `escalated` to one gate's role. */
export function marks(milestone: Milestone, entry: TimelineEntry, role?: string): boolean {
  const e = entry.event;
  switch (milestone) {
    case 'reported':
      return e.startsWith('reported:');
    case 'responsible-office-assigned':
      return e === 'decision:assign-responsible-office';
    case 'crg-convened':
      return e === 'crg-notified';
    case 'analysis-submitted':
      return e === 'decision:submit-analysis';
    case 'cost-estimate':
      return e === 'decision:cost-estimate';
    case 'final-decision':
      return FINAL.test(e);
    case 'letters-approved':
      return e === 'decision:approve-letter';
    case 'notification-delayed':
      return e === 'decision:request-delay';
    case 'notification-barred':
      return e === 'decision:bar-notification' || e === 'notification-barred';
    case 'notified':
      return e === 'notified';
    case 'escalated':
      return role ? e === `escalated:${role}` : e.startsWith('escalated:');
    case 'oig-referred':
      return e === 'referred:oig';
    case 'closed':
      return e === 'phase:closed';
  }
}

/** The first time the milestone was reached (ISO), or null. */
export function reachedAt(timeline: TimelineEntry[], milestone: Milestone, role?: string): string | null {
  return timeline.find((t) => marks(milestone, t, role))?.at ?? null;
}
