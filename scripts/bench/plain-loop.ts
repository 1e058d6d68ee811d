/**
 * The bench's yardstick: the same emails as the notification step, sent by a plain loop over a pooled
 * nodemailer transport with the same connection count, as many messages in flight as connections, no
 * Temporal. It reads and checks the roster line by line and renders each email as the activity does.
 *   node --import tsx scripts/bench/plain-loop.ts <roster file> <smtp url> <connections> <incident id>
 * Prints one JSON line: { sent, failed, ms, cpuSeconds }.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createMailTransport } from '../../activities/mailer.js';
import { messageIdFor } from '../../activities/notify.js';
import { renderEmail } from '../../domain/letter-render.js';
import { parseRosterLine } from '../../domain/roster.js';
import { BENCH_LETTER, BENCH_MAIL_FROM, BENCH_ORGANIZATION } from './setup.js';

async function main(): Promise<void> {
  const [file, smtpUrl, connections, incidentId] = process.argv.slice(2);
  if (!file || !smtpUrl || !connections || !incidentId)
    throw new Error('usage: plain-loop.ts <roster file> <smtp url> <connections> <incident id>');
  const mailer = createMailTransport({ smtpUrl, maxConnections: Number(connections) });
  const window = Number(connections);
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let failed = 0;
  let line = -1;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (text.trim() === '') continue;
    line += 1;
    const parsed = parseRosterLine(text);
    if (!parsed.ok) throw new Error(`roster line ${line + 1}: ${parsed.issues[0]?.message}`);
    const person = parsed.entry;
    const mail = renderEmail(BENCH_LETTER, person, { organization: BENCH_ORGANIZATION, incidentRef: incidentId });
    while (inFlight.size >= window) await Promise.race(inFlight);
    const sending: Promise<void> = mailer
      .sendMail({
        from: BENCH_MAIL_FROM,
        to: { name: person.name, address: person.email! },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: messageIdFor(incidentId, line),
      })
      .then(
        () => void (sent += 1),
        () => void (failed += 1),
      )
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  }
  await Promise.all(inFlight);
  const ms = performance.now() - started;
  mailer.close();
  const cpu = process.cpuUsage(cpuStart);
  console.log(JSON.stringify({ sent, failed, ms, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
