/**
 * `npm run breach -- playbook check <file>`: validates a playbook the way the worker loads it
 * (loadPlaybookFile) and answers with either every bad field or a one-screen summary, then the warnings
 * about separation of duties (domain/separation.ts). The caller prints `output` and exits non-zero when
 * `ok` is false.
 */
import { ENDPOINTS, PlaybookError, type Playbook } from '../domain/playbook.js';
import { ROLES } from '../domain/roles.js';
import { separationProblems } from '../domain/separation.js';
import { ConfigError, loadPlaybookFile } from '../config/index.js';

export async function playbookCheck(path: string): Promise<{ ok: boolean; output: string }> {
  let playbook: Playbook;
  try {
    playbook = await loadPlaybookFile(path);
  } catch (err) {
    if (err instanceof PlaybookError) {
      const lines = err.issues.map((i) => `  ${i.path}: ${i.message}`);
      return {
        ok: false,
        output: `${path}: not valid (${err.issues.length} problem${err.issues.length === 1 ? '' : 's'})\n${lines.join('\n')}\n`,
      };
    }
    if (err instanceof ConfigError) return { ok: false, output: `${err.message}\n` };
    throw err;
  }
  // Separation of duties (domain/separation.ts): a person in two roles that check each other is a
  // warning; one who would leave a gate with no one to decide fails the check.
  const separation = separationProblems(playbook);
  if (separation.failures.length) {
    const lines = [
      ...separation.failures.map((f) => `  separation of duties: ${f}`),
      ...separation.warnings.map((w) => `  warning: ${w}`),
    ];
    return {
      ok: false,
      output: `${path}: not valid (${separation.failures.length} problem${separation.failures.length === 1 ? '' : 's'})\n${lines.join('\n')}\n`,
    };
  }
  const warnings = separation.warnings.map((w) => `warning: separation of duties: ${w}`);
  return { ok: true, output: `${summary(path, playbook)}${warnings.length ? `\n${warnings.join('\n')}\n` : ''}` };
}

const WIDTH = 100;

/** `  label  a, b, c` wrapped at WIDTH, continuation lines under the first item. */
function row(label: string, pad: number, items: string[]): string[] {
  const indent = ' '.repeat(pad + 4);
  const lines: string[] = [];
  let line = `  ${label.padEnd(pad)}  `;
  items.forEach((item, i) => {
    const piece = i < items.length - 1 ? `${item}, ` : item;
    if (line.length + piece.length > WIDTH && line.trim().length > label.length) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += piece;
  });
  lines.push(line.trimEnd());
  return lines;
}

function summary(path: string, playbook: Playbook): string {
  const pad = Math.max(...[...ROLES, ...Object.keys(playbook.timers), ...ENDPOINTS].map((name) => name.length));
  const lines = [
    `${path}: ok`,
    `${playbook.name ?? '(no name)'}: ${playbook.organization}, ${playbook.people.length} people, final notification decision: ${playbook.finalNotificationAuthority}`,
    '',
    'roles',
    ...ROLES.flatMap((role) => {
      const holders = playbook.people.filter((p) => p.roles.includes(role)).map((p) => p.id);
      return row(role, pad, holders.length > 0 ? holders : ['(nobody)']);
    }),
    '',
    'timers',
    ...Object.entries(playbook.timers).map(([name, value]) => `  ${name.padEnd(pad)}  ${value}`),
    `  ${'majorIncident'.padEnd(pad)}  ${playbook.majorIncident.threshold} people or more; Congress within ${playbook.majorIncident.congressWithin}`,
    '',
    'endpoints',
    ...ENDPOINTS.map((name) => {
      const e = playbook.endpoints[name];
      return `  ${name.padEnd(pad)}  ${e.url}${e.tokenEnv ? `  token: $${e.tokenEnv}` : ''}${e.timeout ? `  timeout: ${e.timeout}` : ''}`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}
