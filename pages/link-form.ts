/**
 * The form of a decision kind (its definition's, domain/decisions/), and its submission turned back into
 * the decision body the API's JSON route takes (validated by the same decisionBodySchema). Field names are
 * dotted paths into the decision (`letter.contact.tollFreePhone`); only the kind's own fields are read,
 * so a form can never carry an `actorId` or another kind's field.
 */
import { formOf, type DecisionKind } from '../domain/decisions/index.js';
import type { FormContext, FormField } from '../domain/decisions/define.js';

export type { FieldType, FormField } from '../domain/decisions/define.js';

/** The fields of a kind's form. Outcomes that only the delegated authority may choose follow the playbook. */
export function formFields(kind: DecisionKind, context: FormContext): FormField[] {
  return formOf(kind, context);
}

/** A submitted form (`@fastify/formbody`: a value, or a list for a repeated name). */
export type FormValues = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node = (node[key] ??= {}) as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/**
 * The decision body (without actorId) from the form: empty fields are left out, numbers and yes/no
 * converted; what does not convert is passed on as text so the schema names the field.
 */
export function decisionFromForm(kind: DecisionKind, fields: FormField[], form: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = { kind };
  for (const field of fields) {
    const raw = form[field.name];
    if (field.type === 'checkboxes') {
      if (raw === undefined && field.emptyLeavesOut) continue;
      setPath(body, field.name, raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]);
      continue;
    }
    if (field.type === 'checkbox') {
      if (raw !== undefined) setPath(body, field.name, true);
      continue;
    }
    const text = first(raw)?.trim();
    if (text === undefined || text === '') continue;
    if (field.type === 'number') {
      const number = Number(text.replace(/[,_\s]/g, ''));
      setPath(body, field.name, Number.isFinite(number) ? number : text);
    } else if (field.type === 'datetime') {
      // <input type=datetime-local> gives "2026-03-01T14:05" with no zone: the form asks for UTC.
      setPath(
        body,
        field.name,
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? `${text.length === 16 ? `${text}:00` : text}Z` : text,
      );
    } else if (field.type === 'yes-no') {
      setPath(body, field.name, text === 'yes' ? true : text === 'no' ? false : text);
    } else {
      setPath(body, field.name, text);
    }
  }
  return body;
}
