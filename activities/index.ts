/**
 * The incident workflow's activities, built by a factory taking their clients (docs/style.md 4): the worker
 * and the tests build them the same way. Workflows import the *type* only.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { sealCaseRecord, type CaseRecord } from '../domain/case-record.js';
import type { Transporter } from 'nodemailer';
import type { Endpoint } from '../domain/playbook.js';
import { renderSubstituteNotice } from '../domain/letter-render.js';
import type { Letter } from '../domain/decision.js';
import { mediaActivities } from './media.js';
import { telephonyActivities } from './telephony.js';
import { linkUrl } from '../security/links.js';
import { postToEndpoint, type EndpointResult } from './http.js';
import { notifyRange, type NotifyDeps, type NotifyRangeInput } from './notify.js';
import { resendReturned, type ResendInput } from './resend.js';
import type { Notice } from './notice.js';
import { renderNotice } from './templates.js';

export interface ActivityDeps {
  /** A nodemailer transport (pooled SMTP in production, the local mail catcher in development and tests). */
  mailer: Transporter;
  /** The From address of every message. */
  mailFrom: string;
  /** The base of links in mail (BREACH_PUBLIC_URL). */
  publicUrl: string;
  /** Where endpoint tokens are read from, by the variable name the playbook gives (`tokenEnv`). */
  env: Record<string, string | undefined>;
  /** Told of each settled roster line of a notification run (workers/metrics.ts counts them). */
  observe?: NotifyDeps['observe'];
  /** Signs one-click approval links (HMAC); absent: mails carry no links. */
  signLink?: (claims: { incidentId: string; kind: string; personId: string; expiresAt: number }) => string;
}

export interface Recipient {
  /** Person id in the playbook, when the recipient is an official (for signed links). */
  id?: string;
  name: string;
  email: string;
}

export interface SendNoticeInput {
  to: Recipient[];
  notice: Notice;
  /** Names the step; with the workflow id it makes the Message-ID, so a retried send is recognisable. */
  step: string;
  /** Ask for a decision: each recipient gets a message of their own with a signed link. */
  link?: {
    kind: string;
    expiresAt: number;
    /** Every kind the gate waits for (triage waits for two): a link each. */ kinds?: string[];
  };
}

export interface SendNoticesInput {
  notices: SendNoticeInput[];
}

export interface CallEndpointInput {
  name: string;
  endpoint: Endpoint;
  step: string;
  body: unknown;
}

export function createActivities(deps: ActivityDeps) {
  // Activities here always run for a workflow; the id makes idempotency keys and Message-IDs.
  const workflowId = () => {
    const info = Context.current().info;
    return info.workflowExecution?.workflowId ?? `activity-${info.activityId}`;
  };

  /** Email to officials from a template (activities/templates.ts). */
  async function sendNotice(input: SendNoticeInput): Promise<{ sent: number }> {
    if (input.to.length === 0) return { sent: 0 };
    const base = `${workflowId()}.${input.step}`;
    const incidentId = input.notice.incidentId;
    if (input.link && deps.signLink) {
      let sent = 0;
      for (const [index, person] of input.to.entries()) {
        const { kind, kinds, expiresAt } = input.link;
        const sign = deps.signLink;
        const links = person.id
          ? (kinds?.length ? kinds : [kind]).map((k) => ({
              url: linkUrl(deps.publicUrl, sign({ incidentId, kind: k, personId: person.id!, expiresAt })),
              label: kinds && kinds.length > 1 ? `Review and decide (${k})` : 'Review and decide',
            }))
          : [];
        const mail = renderNotice(input.notice, links);
        await deps.mailer.sendMail({
          from: deps.mailFrom,
          to: { name: person.name, address: person.email },
          subject: mail.subject,
          text: mail.text,
          messageId: `<${base}.${index}@breach-response>`,
        });
        sent += 1;
      }
      return { sent };
    }
    const mail = renderNotice(input.notice);
    await deps.mailer.sendMail({
      from: deps.mailFrom,
      to: input.to.map((p) => ({ name: p.name, address: p.email })),
      subject: mail.subject,
      text: mail.text,
      messageId: `<${base}@breach-response>`,
    });
    return { sent: input.to.length };
  }

  return {
    // The substitute notice in the media (468.6-2b; activities/media.ts).
    ...mediaActivities(deps),
    // Immediate notice by telephone (468.6-2c; activities/telephony.ts).
    ...telephonyActivities(deps),
    sendNotice,

    /**
     * Several notices in one task (the three of a first report, workflows/reporting.ts), sent in turn,
     * each with its own step and Message-ID. The heartbeat checkpoints what went: a retry sends the rest only.
     */
    async sendNotices(input: SendNoticesInput): Promise<{ sent: number[] }> {
      const ctx = Context.current();
      const checkpoint: unknown = ctx.info.heartbeatDetails;
      const sent = Array.isArray(checkpoint) ? checkpoint.filter((n): n is number => typeof n === 'number') : [];
      for (const notice of input.notices.slice(sent.length)) {
        sent.push((await sendNotice(notice)).sent);
        ctx.heartbeat(sent);
      }
      return { sent };
    },

    /** POST to an external endpoint, idempotent by `<workflowId>:<step>`. */
    async callEndpoint(input: CallEndpointInput): Promise<EndpointResult> {
      return postToEndpoint(
        {
          name: input.name,
          endpoint: input.endpoint,
          idempotencyKey: `${workflowId()}:${input.step}`,
          body: input.body,
        },
        deps.env,
      );
    },

    /** Notify lines [fromLine, toLine) of the roster (5 FAM 468.6-1, 468.6-2); resumes from its last heartbeat. */
    async notifyRange(input: Omit<NotifyRangeInput, 'workflowId'>) {
      return notifyRange(deps, { ...input, workflowId: workflowId() });
    },

    /** Returned notices sent again by the next means, or counted for the substitute notice (468.6-2a). */
    async resendReturned(input: ResendInput) {
      return resendReturned({ ...deps, workflowId: workflowId() }, input);
    },

    /**
     * One substitute notice (468.6-2b): web posting and media text with the toll-free number. `revision`
     * > 0 updates the posting with a new count (people whose notices came back, 468.6-2a): the same
     * incident, a new idempotency key, so the receiver replaces the posting instead of dropping a repeat.
     */
    async postSubstituteNotice(input: {
      incidentId: string;
      organization: string;
      letter: Letter;
      affectedCount: number;
      endpoint: Endpoint;
      revision?: number;
      /** The playbook's TTY or relay number (Section 508). */
      ttyRelay?: string;
    }) {
      const notice = renderSubstituteNotice(input.letter, {
        organization: input.organization,
        affectedCount: input.affectedCount,
        ttyRelay: input.ttyRelay,
      });
      const revision = input.revision ?? 0;
      return postToEndpoint(
        {
          name: 'webPosting',
          endpoint: input.endpoint,
          idempotencyKey: `${workflowId()}:substitute-notice${revision ? `:${revision}` : ''}`,
          body: { incidentId: input.incidentId, ...(revision ? { revision } : {}), ...notice },
        },
        deps.env,
      );
    },

    /**
     * The case record to the records archive (5 FAM 468.7), sealed with its letter digest; idempotent by
     * `<workflowId>:case-record`. The archive's receipt `id` (or `reference`) is the filing reference.
     */
    async archiveCaseRecord(input: { endpoint: Endpoint; record: CaseRecord }): Promise<{ reference: string | null }> {
      const record = sealCaseRecord(input.record, (text) => createHash('sha256').update(text).digest('hex'));
      const result = await postToEndpoint(
        {
          name: 'recordsArchive',
          endpoint: input.endpoint,
          idempotencyKey: `${workflowId()}:case-record`,
          body: record,
        },
        deps.env,
      );
      const receipt = (result.receipt ?? {}) as { id?: unknown; reference?: unknown };
      const reference =
        typeof receipt.id === 'string' ? receipt.id : typeof receipt.reference === 'string' ? receipt.reference : null;
      return { reference };
    },
  };
}

export type BreachActivities = ReturnType<typeof createActivities>;
