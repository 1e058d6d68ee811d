/**
 * Zod's issues in the one shape every boundary reports them in: `{ path, message }` (the contract's
 * 400 body, docs/contract.md), or `path: message` lines for a console or a refusal. Paths are dotted
 * (`reporter.email`); an issue about the whole value is `(root)`. Never the value itself: it may be PII.
 */
import type { z } from 'zod';

export interface Issue {
  path: string;
  message: string;
}

export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/** `path: message` per issue of a ZodError. */
export function issueLines(error: z.ZodError): string[] {
  return asLines(issuesOf(error));
}

/** `path: message` per issue (issues found by a rule rather than by zod). */
export function asLines(issues: Issue[]): string[] {
  return issues.map((i) => `${i.path}: ${i.message}`);
}
