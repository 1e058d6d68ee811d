/**
 * The facilitator's findings of an exercise run: `<BREACH_EXERCISE_DIR>/<run>/findings.json`, a JSON array
 * of `{ id, text }` (same id replaces a draft, a new id adds one, an empty text drops it; exercises/report.ts
 * mergeFindings). Written by the case page (pages/after-action.ts) and read by it and by
 * `breach exercise report`, so the two see the same findings (they share the folder: docs/exercises.md).
 * Written whole to a temporary file and renamed, so a reader never sees half a file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finding } from './report.js';

export const MAX_FINDINGS = 100;
export const MAX_FINDING_LENGTH = 4_000;

export const findingsFile = (afterActionDir: string, runId: string) => join(afterActionDir, runId, 'findings.json');

export class FindingsFileError extends Error {}

/** The entries of the file (none when there is no file); a file that is not the list is an error naming the entry. */
export async function readFindingsFile(path: string): Promise<{ id: string; text: string }[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FindingsFileError(`${path}: not valid JSON`);
  }
  if (!Array.isArray(parsed)) throw new FindingsFileError(`${path}: expected a JSON array of { "id", "text" }`);
  return parsed.map((f: unknown, index) => {
    const entry = f as { id?: unknown; text?: unknown };
    if (typeof entry?.id !== 'string' || typeof entry.text !== 'string')
      throw new FindingsFileError(`${path}: entry ${index}: expected { "id": string, "text": string }`);
    return { id: entry.id, text: entry.text };
  });
}

/** As the report takes them: every entry of the file is the facilitator's (mergeFindings keeps unchanged drafts drafts). */
export function asEdited(entries: { id: string; text: string }[]): Finding[] {
  return entries.map((e) => ({ ...e, source: 'facilitator' as const }));
}

/** The file with `changes` applied by id (entries not changed are kept, so a draft once dropped stays dropped). */
export async function saveFindings(path: string, changes: { id: string; text: string }[]): Promise<void> {
  const entries = new Map((await readFindingsFile(path)).map((e) => [e.id, e]));
  for (const change of changes) entries.set(change.id, change);
  await mkdir(join(path, '..'), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, `${JSON.stringify([...entries.values()], null, 2)}\n`);
  await rename(temporary, path);
}
