/** The workflows the worker registers. */
export { breachIncidentWorkflow } from './incident.js';
