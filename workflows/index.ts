/** The workflows the worker registers. */
export { breachIncidentWorkflow } from './incident.js';
export { notifyRosterWorkflow } from './notify-roster.js';
export { exerciseWorkflow } from './exercise.js';
export { yearlyDutyWorkflow } from './yearly.js';
export { caseNumberingWorkflow } from './case-numbering.js';
