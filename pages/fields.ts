/**
 * One form field as HTML: a label (or a fieldset and legend for a group), its hint, its error beside it
 * in words, and what was typed kept. Hints and errors are tied to the control with aria-describedby,
 * an error also marks it aria-invalid. No script: every control is a native one.
 */
import { escapeHtml } from './layout.js';
import type { FormField, FormValues } from './link-form.js';

export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9]/g, '-')}`;

/** Problems by field name (a problem of the whole form under ''). */
export type FieldErrors = Record<string, string>;

function valueOf(values: FormValues, name: string): string {
  const value = values[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

/** `prefix` keeps ids unique when a page holds several forms (the case page's decisions). */
export function renderField(f: FormField, values: FormValues, errors: FieldErrors = {}, prefix = ''): string {
  const id = `${prefix}${fieldId(f.name)}`;
  const name = escapeHtml(f.name);
  const text = valueOf(values, f.name);
  const error = errors[f.name];
  const describedBy = [f.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const aria = `${describedBy ? ` aria-describedby="${describedBy}"` : ''}${error ? ' aria-invalid="true"' : ''}`;
  const required = f.required ? ' required' : '';
  const optional = f.required ? '' : ' <span class="hint" style="display:inline">(optional)</span>';
  const hint = f.hint ? `<span class="hint" id="${id}-hint">${escapeHtml(f.hint)}</span>` : '';
  const errorText = error ? `<span class="error" id="${id}-error">Error: ${escapeHtml(error)}</span>` : '';
  const labelOf = (choice: string) => f.choiceLabels?.[choice] ?? choice;
  const wrap = (html: string) => `<div class="field${error ? ' invalid' : ''}">${html}</div>`;
  const group = (controls: string) =>
    wrap(
      `<fieldset id="${id}"${aria}><legend>${escapeHtml(f.label)}${optional}</legend>${hint}${errorText}${controls}</fieldset>`,
    );
  const label = `<label for="${id}">${escapeHtml(f.label)}${optional}</label>${hint}${errorText}`;
  const auto = f.autocomplete ? ` autocomplete="${escapeHtml(f.autocomplete)}"` : '';

  switch (f.type) {
    case 'textarea':
      return wrap(`${label}<textarea id="${id}" name="${name}"${aria}${required}>${escapeHtml(text)}</textarea>`);
    case 'select': {
      const options = (f.choices ?? [])
        .map(
          (c) => `<option value="${escapeHtml(c)}"${c === text ? ' selected' : ''}>${escapeHtml(labelOf(c))}</option>`,
        )
        .join('');
      return wrap(
        `${label}<select id="${id}" name="${name}"${aria}${required}><option value="">Choose</option>${options}</select>`,
      );
    }
    case 'radios':
    case 'yes-no': {
      const choices = f.type === 'yes-no' ? ['yes', 'no'] : (f.choices ?? []);
      const labels = f.type === 'yes-no' ? { yes: 'Yes', no: 'No', ...f.choiceLabels } : f.choiceLabels;
      return group(
        choices
          .map(
            (c, i) =>
              `<label><input type="radio" id="${i === 0 ? `${id}-first` : `${id}-${i}`}" name="${name}" value="${escapeHtml(c)}"${text === c ? ' checked' : ''}${required}> ${escapeHtml(labels?.[c] ?? c)}</label>`,
          )
          .join(''),
      );
    }
    case 'checkbox':
      return wrap(
        `${hint}${errorText}<label><input type="checkbox" id="${id}" name="${name}" value="on"${values[f.name] !== undefined ? ' checked' : ''}${aria}> ${escapeHtml(f.label)}</label>`,
      );
    case 'checkboxes': {
      const value = values[f.name];
      const chosen = new Set(Array.isArray(value) ? value : value ? [value] : []);
      return group(
        (f.choices ?? [])
          .map(
            (c) =>
              `<label><input type="checkbox" name="${name}" value="${escapeHtml(c)}"${chosen.has(c) ? ' checked' : ''}> ${escapeHtml(labelOf(c))}</label>`,
          )
          .join(''),
      );
    }
    case 'number':
      return wrap(
        `${label}<input type="number" step="any" min="0" id="${id}" name="${name}" value="${escapeHtml(text)}"${aria}${required}>`,
      );
    case 'datetime':
      return wrap(
        `${label}<input type="datetime-local" id="${id}" name="${name}" value="${escapeHtml(text.replace(/:00(\.000)?Z$/, '').replace(/Z$/, ''))}"${aria}${required}>`,
      );
    case 'date':
      return wrap(
        `${label}<input type="date" id="${id}" name="${name}" value="${escapeHtml(text)}"${aria}${required}>`,
      );
    case 'time':
      return wrap(
        `${label}<input type="text" id="${id}" name="${name}" value="${escapeHtml(text)}" placeholder="2026-03-01T14:05:00Z"${aria}${required}>`,
      );
    case 'email':
      return wrap(
        `${label}<input type="email" id="${id}" name="${name}" value="${escapeHtml(text)}"${auto}${aria}${required}>`,
      );
    case 'text':
      return wrap(
        `${label}<input type="text" id="${id}" name="${name}" value="${escapeHtml(text)}"${auto}${aria}${required}>`,
      );
  }
}
