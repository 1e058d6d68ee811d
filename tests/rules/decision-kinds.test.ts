/**
 * Each decision kind is one definition (domain/decisions/): what the pages and the workflow derive from it
 * must fit together, so that adding a kind is one entry and its step.
 */
import { describe, expect, it } from 'vitest';
import type { Check, Shape } from '../../domain/check.js';
import { DECISION_KINDS, DECISIONS, formOf } from '../../domain/decisions/index.js';
import { PHASES } from '../../domain/state.js';
import type { Playbook } from '../../domain/playbook.js';

/** The dotted paths a shape's fields give (`letter.contact.tollFreePhone`). */
function paths(shape: Shape, prefix = ''): string[] {
  return Object.entries(shape).flatMap(([key, field]) => {
    const check: Check<unknown> = typeof field === 'function' ? field : field.optional;
    const path = `${prefix}${key}`;
    return check.spec.type === 'object' ? [path, ...paths(check.spec.shape, `${path}.`)] : [path];
  });
}

const contexts = (['ppgbChair', 'underSecretary'] as const).map((authority) => ({
  playbook: { finalNotificationAuthority: authority } as Playbook,
  personRoles: ['ipsDirector'],
  state: { actionItems: [{ id: 'remediation', status: 'open', ownerRole: 'responsibleOffice' }] } as never,
}));

describe('a decision kind is one definition', () => {
  it.each(DECISION_KINDS)('%s: its form asks only for its own fields, each once', (kind) => {
    const own = paths(DECISIONS[kind].fields);
    for (const context of contexts) {
      const names = formOf(kind, context).map((f) => f.name);
      expect(names.filter((name) => !own.includes(name))).toEqual([]);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it.each(DECISION_KINDS)('%s: it is accepted in some phase, never once the incident is closed', (kind) => {
    const { phases } = DECISIONS[kind];
    expect(phases.length).toBeGreaterThan(0);
    expect(phases.every((phase) => PHASES.includes(phase) && phase !== 'closed')).toBe(true);
  });

  it('468.6-3: the security hold is its four kinds, each told to the PPGB under its own event', () => {
    const hold = DECISION_KINDS.filter((kind) => DECISIONS[kind].family === 'hold');
    expect(hold).toEqual(['request-delay', 'extend-delay', 'lift-delay', 'bar-notification']);
    const events = hold.map((kind) => (DECISIONS[kind] as { toldToPpgb?: string }).toldToPpgb);
    expect(new Set(events).size).toBe(4);
    expect(events.every(Boolean)).toBe(true);
  });
});
