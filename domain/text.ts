/** Plain tests of text fields, shared by the boundaries' schemas and the workflow sandbox (no schema library). */

/** A field counts as present when it holds more than white space. */
export function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** What a mailed report puts in a field its message did not give and the report requires (domain/mail-report.ts). */
export const NOT_STATED = 'not stated in the email';

/** A field says something: present, and not the placeholder of a mailed report that did not give it. */
export function stated(value: string | undefined): value is string {
  return present(value) && value.trim() !== NOT_STATED;
}

/** zod's `z.email()` pattern (zod/v4 core regexes `email`), so the sandbox accepts exactly the addresses the API does. */
export const EMAIL_PATTERN =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export function isEmail(value: string): boolean {
  return EMAIL_PATTERN.test(value);
}

/**
 * Any value as text of at most `max` characters, never throwing. A message from a Temporal client other
 * than the API may carry anything JSON can: `String({ toString: 'x' })` throws, and a signal handler that
 * throws fails every workflow task of the incident. Text as itself, other primitives as `String` gives
 * them, objects and arrays by their kind only.
 */
export function asText(value: unknown, max: number): string {
  const text =
    typeof value === 'string'
      ? value
      : value !== null && typeof value === 'object'
        ? Array.isArray(value)
          ? '[array]'
          : '[object]'
        : String(value);
  return text.slice(0, max);
}
