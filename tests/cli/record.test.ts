/**
 * `breach record <id> [--html|--pdf] [-o file]` against the real workflow on the Temporal dev server.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../cli/context.js';
import { runCli } from '../../cli/main.js';
import { caseRecordSchema } from '../../domain/case-record.js';
import {
  reportIncident,
  startApiFixture,
  type ApiFixture,
  notConvenedToClosureReview,
  withShortObjectionWindow,
} from '../api/fixture.js';

let f: ApiFixture;
let dir: string;
beforeAll(async () => {
  f = await startApiFixture({ playbook: withShortObjectionWindow });
  dir = await mkdtemp(join(tmpdir(), 'breach-cli-record-'));
});
afterAll(async () => {
  await f?.close();
});

async function breach(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    args,
    createContext({
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: { BREACH_TASK_QUEUE: f.taskQueue },
      client: f.env.client,
    }),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('breach record', () => {
  it('468.7: JSON to standard output (against the schema), HTML and PDF to a file', async () => {
    const id = await reportIncident(f.app);
    const { caseNumber } = await notConvenedToClosureReview(f.app, id);
    expect(caseNumber).toMatch(/^PII-\d{4}-\d{4}$/);
    const json = await breach(['record', id]);
    expect(json.code, json.err).toBe(0);
    expect(caseRecordSchema.parse(JSON.parse(json.out))).toMatchObject({ incidentId: id, phase: 'closure-review' });

    const html = join(dir, 'record.html');
    expect((await breach(['record', id, '--html', '-o', html])).code).toBe(0);
    // Titled by the case number (docs/contract.md "Case numbers"), the id in its first section.
    const page = await readFile(html, 'utf8');
    expect(page).toContain(`<h1>Case record ${caseNumber}</h1>`);
    expect(page).toContain(`<dt>Incident</dt><dd>${id}</dd>`);
    const pdf = join(dir, 'record.pdf');
    const written = await breach(['record', id, '--pdf', '-o', pdf]);
    expect(written).toMatchObject({ code: 0, out: expect.stringContaining('PDF') });
    expect((await readFile(pdf)).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('bad usage is 2; an unknown incident is 1', async () => {
    expect((await breach(['record'])).code).toBe(2);
    expect(await breach(['record', 'inc-x1', '--pdf'])).toMatchObject({ code: 2, err: expect.stringContaining('-o') });
    expect((await breach(['record', 'inc-x1', '--pdf', '--html', '-o', 'x'])).code).toBe(2);
    expect(await breach(['record', 'no-such-incident-3'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('no incident'),
    });
  });
});
