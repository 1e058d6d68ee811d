/**
 * `npm run bench -- start`: what `npm start` takes on this machine, as a person runs it (a child on free
 * ports and a temporary data folder, scripts/local/start-child.ts): the seconds until "running", and the
 * first report posted right after "running" until its call reaches the US-CERT stand-in, beside the next
 * reports (the yardstick: the same path once everything is warm). 468.3b(1) gives the report an hour;
 * "running" means the worker polls (workers/polling.ts), so the first report should go as fast as the next.
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_API_TOKENS } from '../../config/index.js';
import { reportToUsCert, startNpmStart } from '../local/start-child.js';
import { fmt, line } from './world.js';

const NEXT_REPORTS = 5;

export interface StartFigures {
  readyS: number;
  firstReportMs: number;
  nextReportMs: number;
}

export async function benchStart(): Promise<StartFigures> {
  console.log('\nstart: npm start as a person runs it, then a report right after "running"');
  const tokens = JSON.parse(await readFile(DEFAULT_API_TOKENS, 'utf8')) as Record<string, string>;
  const token = Object.entries(tokens).find(([, person]) => person === 'ips-director')![0];
  const system = await startNpmStart();
  try {
    const readyMs = await system.ready(240_000);
    const prefix = `BENCH-START-${Date.now().toString(36)}`;
    const first = await reportToUsCert(system, token, prefix);
    const next: number[] = [];
    for (let i = 1; i <= NEXT_REPORTS; i++) next.push(await reportToUsCert(system, token, `${prefix}-${i}`));
    const median = [...next].sort((a, b) => a - b)[Math.floor(next.length / 2)]!;
    line('npm start until "running"', `${fmt(readyMs / 1000, 1)} s`);
    line(`the next ${NEXT_REPORTS} reports to US-CERT (median)`, `${fmt(median)} ms   (${next.join(', ')} ms)`);
    line('the first report after "running" to US-CERT', `${fmt(first)} ms`, {
      ok: first <= Math.max(1_000, 2 * median),
      text: 'within a second, and no slower than twice the next ones',
    });
    return { readyS: readyMs / 1000, firstReportMs: first, nextReportMs: median };
  } finally {
    await system.stop();
  }
}
