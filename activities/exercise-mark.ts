/** The exercise's mark on every message an exercise worker sends (docs/exercises.md). */
/** Every message of an exercise says so, in the subject and at the top and bottom of the body. */
export const EXERCISE_MARK = 'EXERCISE';
const EXERCISE_BANNER =
  '*** EXERCISE - EXERCISE - EXERCISE: a tabletop exercise of the breach response plan. Fictional incident; take no real action. ***';

/**
 * Marks a message as an exercise. The exercise worker applies it to every message it sends, notices and
 * letters alike, at the mail transport (workers/exercise-worker.ts), so no template can forget it.
 */
export function markExercise<M extends { subject?: string; text?: string; html?: string }>(mail: M): M {
  const subject = mail.subject ?? '';
  return {
    ...mail,
    subject: subject.startsWith(`[${EXERCISE_MARK}]`) ? subject : `[${EXERCISE_MARK}] ${subject}`,
    ...(typeof mail.text === 'string' ? { text: `${EXERCISE_BANNER}\n\n${mail.text}\n\n${EXERCISE_BANNER}` } : {}),
    ...(typeof mail.html === 'string' ? { html: bannerHtml(mail.html) } : {}),
  };
}

function bannerHtml(html: string): string {
  const banner = `<p role="note"><strong>${EXERCISE_BANNER}</strong></p>`;
  // Inside the body of a whole document (the letters' e-mails are one), else around the fragment.
  if (/<body[^>]*>/i.test(html))
    return html.replace(/(<body[^>]*>)/i, `$1${banner}`).replace(/<\/body>/i, `${banner}</body>`);
  return `${banner}${html}${banner}`;
}
