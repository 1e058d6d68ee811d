/** Plain tests of text fields, shared by the boundaries' schemas and the workflow sandbox (no schema library). */

/** A field counts as present when it holds more than white space. */
export function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** zod's `z.email()` pattern (zod/v4 core regexes `email`), so the sandbox accepts exactly the addresses the API does. */
export const EMAIL_PATTERN = /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export function isEmail(value: string): boolean {
  return EMAIL_PATTERN.test(value);
}
