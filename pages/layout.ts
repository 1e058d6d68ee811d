/**
 * The frame of every page: the department's name at the top, who is signed in, a skip link, one <main>,
 * and the headers that keep a page of PII out of caches, referrers and frames. Accessibility (Section
 * 508 / WCAG 2.1 AA): lang, landmarks, one h1, visible focus, text contrast of 7:1 or better (#1b1b1b,
 * #005ea2 and #b50909 on white), nothing conveyed by colour alone.
 */
import type { FastifyReply } from 'fastify';
import type { Identity } from '../security/identity.js';
import { departmentName, relativeWords, timeWords } from './words.js';

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.3rem}
header{background:#162e51;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}
header a,header button{color:#fff}header .dept{font-weight:700;font-size:1.1rem}header nav{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header form{display:inline;margin:0}header button{background:none;border:1px solid #fff;padding:.2rem .6rem;font:inherit;cursor:pointer;margin:0}
main{max-width:60rem;margin:1.5rem auto;padding:0 1rem}h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}
a{color:#005ea2}a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #fa9441;outline-offset:2px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}
label,legend{display:block;margin-top:1rem;font-weight:600}fieldset{border:1px solid #757575;margin-top:1rem;padding:.5rem 1rem}
fieldset label{font-weight:400;margin-top:.3rem}input[type=text],input[type=email],input[type=number],input[type=datetime-local],textarea,select{width:100%;max-width:40rem;padding:.4rem;font:inherit;border:1px solid #565c65;box-sizing:border-box}
textarea{min-height:6rem}.hint{display:block;font-weight:400;color:#454545;font-size:.95rem}
.error{color:#b50909;font-weight:600;display:block}.invalid{border-left:4px solid #b50909;padding-left:.8rem}
.summary{border:3px solid #b50909;padding:.5rem 1rem;margin:1rem 0}.notice{border:3px solid #00a91c;padding:.5rem 1rem;margin:1rem 0}
button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit;background:#005ea2;color:#fff;border:0;cursor:pointer}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #a9aeb1;vertical-align:top}
.late{font-weight:700}.muted{color:#454545}`;

export interface PageOptions {
  organization: string;
  identity?: Identity;
  /** The CSRF token for the sign-out form (present when signed in). */
  csrf?: string;
  /** The countdown script: only pages that show a deadline. */
  countdown?: boolean;
}

export function page(title: string, body: string, options: PageOptions): string {
  const who = options.identity
    ? `<span>Signed in as ${escapeHtml(options.identity.name ?? options.identity.email ?? 'a workforce member')}</span>
<form method="post" action="/auth/sign-out"><input type="hidden" name="_csrf" value="${escapeHtml(options.csrf ?? '')}"><button type="submit">Sign out</button></form>`
    : '<a href="/auth/sign-in">Sign in</a>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · ${escapeHtml(departmentName(options.organization))}</title><style>${STYLE}</style>
${options.countdown ? '<script src="/assets/countdown.js" defer></script>' : ''}</head>
<body><a class="skip" href="#main">Skip to main content</a>
<header><span class="dept">${escapeHtml(departmentName(options.organization))} · Privacy breach response</span>
<nav aria-label="Main"><a href="/report">Report a breach</a><a href="/cases">Cases</a>${who}</nav></header>
<main id="main"><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** Sends a page with the headers of a page that may hold PII. `formTo` adds an origin forms may post to. */
export function send(reply: FastifyReply, status: number, html: string, formTo: string[] = []): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('x-robots-tag', 'noindex')
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'none'; form-action 'self' ${formTo.join(' ')}; base-uri 'none'; frame-ancestors 'none'`.replace(
        '  ',
        ' ',
      ),
    )
    .send(html);
}

/** A list of problems at the top of a form, each a link to its field (the error summary pattern). */
export function errorSummary(problems: { id?: string; text: string }[], heading = 'There is a problem'): string {
  if (problems.length === 0) return '';
  const items = problems
    .map((p) => `<li>${p.id ? `<a href="#${escapeHtml(p.id)}">${escapeHtml(p.text)}</a>` : escapeHtml(p.text)}</li>`)
    .join('');
  return `<div class="summary" role="alert" aria-labelledby="problems-heading" tabindex="-1"><h2 id="problems-heading">${escapeHtml(heading)}</h2><ul>${items}</ul></div>`;
}

/** The countdown: turns each `<time data-deadline>` into "... (58 minutes left)" every 30 s; without script the server's words stand. */
export const COUNTDOWN_JS = `(function(){function words(ms){var a=Math.abs(ms),n,u;if(a<3600000){n=Math.max(1,Math.round(a/60000));u='minute'}else if(a<172800000){n=Math.round(a/3600000);u='hour'}else{n=Math.round(a/86400000);u='day'}return n+' '+u+(n===1?'':'s')+(ms>=0?' left':' ago')}
function tick(){var els=document.querySelectorAll('[data-deadline]');for(var i=0;i<els.length;i++){var el=els[i],rel=el.querySelector('.rel');if(rel)rel.textContent=words(Date.parse(el.getAttribute('data-deadline'))-Date.now())}}
tick();setInterval(tick,30000)})();`;

/** A deadline in words, kept counting by the countdown script: "2 Dec 2026, 03:46 UTC (58 minutes left)". */
export function deadlineHtml(iso: string, now: number = Date.now()): string {
  return `<time datetime="${escapeHtml(iso)}" data-deadline="${escapeHtml(iso)}">${escapeHtml(timeWords(iso))} (<span class="rel">${escapeHtml(relativeWords(iso, now))}</span>)</time>`;
}

/** A past time in words: "2 Dec 2026, 03:46 UTC". */
export function timeHtml(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(timeWords(iso))}</time>`;
}
