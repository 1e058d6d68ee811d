/**
 * Where an exercise may send anything: only to this machine (loopback) or to a host the operator has
 * declared an exercise sink (BREACH_EXERCISE_SINKS, comma-separated host names; config/exercise.ts). And every address it
 * mails must be on a domain reserved for examples (RFC 2606/6761: .example, .test, .invalid, .localhost,
 * example.com/.net/.org), so that a scenario copied from a real case cannot reach a real person even if
 * the mail transport were misconfigured. `exercise run` refuses to start otherwise (exercises/plan.ts).
 */
import { checkExerciseUrl } from '../config/exercise.js';
import type { Playbook } from '../domain/playbook.js';

const RESERVED_DOMAINS = /(^|\.)(example|test|invalid|localhost)$|(^|\.)example\.(com|net|org)$/i;

export function isReservedAddress(email: string): boolean {
  const domain = email.split('@').pop() ?? '';
  return RESERVED_DOMAINS.test(domain);
}

export interface TargetProblem {
  path: string;
  message: string;
}

/** Every place the exercise would send to: the playbook's endpoints and people, the report's contacts, the SMTP server. */
export function exerciseTargetProblems(input: {
  playbook: Playbook;
  contacts: { path: string; email: string }[];
  smtpUrl: string;
  sinks: string[];
}): TargetProblem[] {
  const problems: TargetProblem[] = [];
  for (const [name, endpoint] of Object.entries(input.playbook.endpoints)) {
    const why = checkExerciseUrl(endpoint.url, input.sinks);
    if (why) problems.push({ path: `playbook.endpoints.${name}.url`, message: why });
  }
  const smtp = checkExerciseUrl(input.smtpUrl, input.sinks);
  if (smtp) problems.push({ path: 'SMTP (BREACH_EXERCISE_SMTP_URL, else SMTP_URL)', message: smtp });
  input.playbook.people.forEach((person, index) => {
    if (!isReservedAddress(person.email))
      problems.push({
        path: `playbook.people.${index}.email`,
        message: `${person.email} is not on a domain reserved for examples (.example, .test, .invalid): an exercise never mails a real address`,
      });
  });
  for (const contact of input.contacts) {
    if (!isReservedAddress(contact.email))
      problems.push({
        path: contact.path,
        message: `${contact.email} is not on a domain reserved for examples (.example, .test, .invalid): an exercise never mails a real address`,
      });
  }
  return problems;
}
