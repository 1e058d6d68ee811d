/**
 * The case record (docs/case-record.md):
 *
 * - `GET /incidents/{incidentId}/record`: the record as JSON; `Accept: text/html` or `?format=html` a
 *   printable page; `Accept: application/pdf` or `?format=pdf` a PDF. It holds the report's facts, so
 *   only a person of the playbook (need to know) may read it.
 * - `POST /vendor/returns` (returned letters and bounced emails) is api/vendor-routes.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { recordHtml } from '../domain/case-record-view.js';
import type { Playbook } from '../domain/playbook.js';
import { caseRecordPdf, getCaseRecord } from '../client/case-record.js';
import { incidentIdSchema } from '../domain/ids.js';

export interface RecordRoutesOptions {
  client: Client;
  playbook: Playbook;
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** Need to know (469.2c(1)), the hook after authentication: sets `request.incident` (pages/need-to-know.ts). */
  needToKnow: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** Parses or throws the API's 400 (api/server.ts `parse`). */
  parse: <S extends z.ZodType>(schema: S, value: unknown) => z.infer<S>;
}

const recordQuerySchema = z.strictObject({ format: z.enum(['json', 'html', 'pdf']).optional() });
const paramsSchema = z.strictObject({ incidentId: incidentIdSchema });

function wanted(request: FastifyRequest, format: 'json' | 'html' | 'pdf' | undefined): 'json' | 'html' | 'pdf' {
  if (format) return format;
  const accept = request.headers.accept ?? '';
  if (/application\/pdf/i.test(accept)) return 'pdf';
  if (/text\/html/i.test(accept)) return 'html';
  return 'json';
}

export async function recordRoutes(app: FastifyInstance, options: RecordRoutesOptions): Promise<void> {
  const { client, playbook, parse } = options;

  // Need to know (469.2c(1)) before any other check, in the hook: who may not read the incident is told it
  // does not exist. A case number is taken in place of the id (pages/case-list.ts).
  app.get(
    '/incidents/:incidentId/record',
    { onRequest: [options.authenticate, options.needToKnow] },
    async (request, reply) => {
      parse(paramsSchema, request.params);
      const { incidentId, reading } = request.incident!;
      const { format } = parse(recordQuerySchema, request.query);
      // The record carries the report's facts about people and others' evidence: for those with a role on it.
      if (reading !== 'full' || !playbook.people.some((p) => p.id === request.actorId))
        return reply
          .code(403)
          .send({ error: 'the case record is for the people with a role on the incident only (need to know)' });
      const record = await getCaseRecord(client, incidentId);
      const as = wanted(request, format);
      reply.header('cache-control', 'no-store');
      if (as === 'html') return reply.type('text/html; charset=utf-8').send(recordHtml(record));
      if (as === 'pdf')
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="case-record-${incidentId}.pdf"`)
          .send(await caseRecordPdf(record));
      return record;
    },
  );
}
