/**
 * The bench's mail server: the counting SMTP receiver (scripts/bench/smtp-counter.ts) in a process of its
 * own, so that neither the plain loop nor the worker shares its event loop with the receiver. The bench
 * asks it over IPC: `stats` (notification messages: received, distinct, repeats, first and last arrival),
 * `has` (which of some Message-IDs arrived), `reset`.
 */
import { startSmtpCounter } from './smtp-counter.js';

const NOTIFY_SUFFIX = '@notify.breach-response>';

type Request =
  { id: number; op: 'stats' } | { id: number; op: 'reset' } | { id: number; op: 'has'; messageIds: string[] };

async function main(): Promise<void> {
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  let received = 0;
  const counter = await startSmtpCounter({
    onMessage(messageId, at) {
      if (!messageId.endsWith(NOTIFY_SUFFIX)) return;
      received += 1;
      firstAt ??= at;
      lastAt = at;
    },
  });
  const distinct = () => {
    let n = 0;
    for (const id of counter.counts().keys()) if (id.endsWith(NOTIFY_SUFFIX)) n += 1;
    return n;
  };
  process.on('message', (request: Request) => {
    let answer: unknown;
    if (request.op === 'stats') {
      const d = distinct();
      answer = { received, distinct: d, repeats: received - d, firstAt, lastAt, all: counter.stats().received };
    } else if (request.op === 'reset') {
      counter.reset();
      received = 0;
      firstAt = lastAt = null;
      answer = true;
    } else {
      const counts = counter.counts();
      answer = request.messageIds.filter((id) => counts.has(id)).length;
    }
    process.send!({ id: request.id, answer });
  });
  process.on('disconnect', () => void counter.close().then(() => process.exit(0)));
  process.send!({ id: 0, answer: { smtpUrl: counter.smtpUrl } });
}

void main();
