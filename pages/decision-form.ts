/**
 * The decision form, one for the case page (pages/case.ts) and the approval links (pages/link-pages.ts):
 * the kind's fields (its definition's, domain/decisions/), read back into the decision body and checked
 * as the API checks it (decisionBodySchema, then the policy's grounds), then sent as the API sends it
 * (client/decisions.ts `submitDecision`: the `decide` update, or the durable `decision` signal answered as
 * pending when no worker accepts it within BREACH_DECISION_WAIT).
 */
import type { Client } from '@temporalio/client';
import { decisionGroundsIssues } from '../domain/authorized.js';
import { decisionBodySchema, type Decision, type DecisionBody, type DecisionKind } from '../domain/decision.js';
import { submitDecision, type DecisionSubmitted } from '../client/decisions.js';
import { fieldId, renderField, type FieldErrors } from './fields.js';
import { escapeHtml } from './layout.js';
import { decisionFromForm, type FormField, type FormValues } from './link-form.js';
import { KIND_WORDS } from './words.js';

/** A submitted form read: the decision body, or the problems by field, each in the field's words. */
export function readDecisionForm(
  kind: DecisionKind,
  fields: FormField[],
  form: FormValues,
): { ok: true; body: DecisionBody } | { ok: false; errors: FieldErrors } {
  const parsed = decisionBodySchema.safeParse(decisionFromForm(kind, fields, form));
  const issues = parsed.success
    ? // The grounds the policy asks of the decision (domain/authorized.ts), named before the workflow is asked.
      decisionGroundsIssues(parsed.data)
    : parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message.replace(/^Invalid input: /, ''),
      }));
  if (parsed.success && issues.length === 0) return { ok: true, body: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = fields.find((f) => f.name === issue.path || issue.path.startsWith(`${f.name}.`));
    errors[field?.name ?? issue.path] ??= `${field?.label ?? issue.path}: ${issue.message}`;
  }
  return { ok: false, errors };
}

/** The problems for an error summary, each linked to its field (`prefix`: the ids of a page with several forms). */
export function problemsOf(fields: FormField[], errors: FieldErrors, prefix = ''): { id?: string; text: string }[] {
  return Object.entries(errors).map(([name, text]) => ({
    ...(fields.some((f) => f.name === name) ? { id: `${prefix}${fieldId(name)}` } : {}),
    text,
  }));
}

/** The form itself: `hidden` the page's hidden inputs (already HTML), `button` its words. */
export function decisionFormHtml(form: {
  action: string;
  hidden: string;
  fields: FormField[];
  values: FormValues;
  errors: FieldErrors;
  button: string;
  prefix?: string;
}): string {
  const fields = form.fields.map((f) => renderField(f, form.values, form.errors, form.prefix)).join('\n');
  return `<form method="post" action="${escapeHtml(form.action)}" novalidate>${form.hidden}
${fields}
<button type="submit">${escapeHtml(form.button)}</button></form>`;
}

/** Sends the decision as the API does; refusals throw DecisionRefusedError. */
export function sendDecision(
  client: Client,
  incidentId: string,
  decision: Decision,
  waitMs: number | undefined,
): Promise<DecisionSubmitted> {
  return submitDecision(client, incidentId, decision, { waitMs });
}

/** The heading of a pending decision's answer (the case page's and the approval link's 202). */
export const PENDING_TITLE = 'Decision received, not yet applied';

/** The words of a pending decision, as the API's 202 and the CLI say it: recorded, not yet applied, how to follow it. */
export function pendingLines(kind: DecisionKind, incidentId: string, decisionId: string, follow: string): string[] {
  return [
    `Your decision "${KIND_WORDS[kind].title}" on incident ${incidentId} is recorded (reference ${decisionId}), but the workflow service is not processing incidents at this moment.`,
    `It will be applied, or refused with the reasons, as soon as processing resumes; nothing more is needed from you. ${follow}`,
  ];
}
