/**
 * GET /openapi.json, generated with zod's z.toJSONSchema from the schemas the server validates with
 * (schemas.ts), so the document describes exactly what the code accepts and answers.
 */
import { z } from 'zod';
import {
  decisionBodySchema,
  decisionPendingSchema,
  decisionStatusSchema,
  errorSchema,
  healthSchema,
  readinessSchema,
  incidentAcceptedSchema,
  incidentListSchema,
  incidentStateSchema,
  listQuerySchema,
  refusalSchema,
  reportSchema,
  validationErrorSchema,
} from './schemas.js';
import { caseRecordSchema } from '../domain/case-record.js';
import { vendorReturnsSchema } from '../domain/returns.js';
import { NOT_SEEN, securityOf } from './openapi-security.js';
import { decisionPaths, decisionStatusPaths, linkPaths, type Parts } from './openapi-decisions.js';
import {
  incidentIdJsonSchema,
  reportJsonSchema,
  toJsonSchema,
  withDisclosureGrounds,
  type JsonSchema,
} from './openapi-schemas.js';

const COMPONENTS = {
  Report: reportSchema,
  DecisionBody: decisionBodySchema,
  IncidentAccepted: incidentAcceptedSchema,
  IncidentList: incidentListSchema,
  IncidentState: incidentStateSchema,
  ValidationError: validationErrorSchema,
  Refusal: refusalSchema,
  Error: errorSchema,
  Health: healthSchema,
  CaseRecord: caseRecordSchema,
  VendorReturns: vendorReturnsSchema,
  DecisionPending: decisionPendingSchema,
  DecisionStatus: decisionStatusSchema,
  Readiness: readinessSchema,
} satisfies Record<string, z.ZodType>;

export type ComponentName = keyof typeof COMPONENTS;

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: ComponentName, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});

const common = {
  401: json('Error', 'missing or unknown bearer token'),
  503: json('Error', 'Temporal is unavailable'),
};

const incidentIdParameter = {
  name: 'incidentId',
  in: 'path',
  required: true,
  schema: incidentIdJsonSchema,
};
const parts: Parts = { ref, json, incidentIdParameter, common };

function queryParameters(schema: z.ZodObject): JsonSchema[] {
  return Object.entries(schema.shape).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: toJsonSchema(property as z.ZodType),
  }));
}

export function openApiDocument(serverUrl: string, options: { oidcIssuer?: string } = {}): JsonSchema {
  const security = securityOf(options.oidcIssuer);
  const descriptions: Partial<Record<ComponentName, string>> = {
    Report:
      'The Breach Incident report (5 FAM 468.3b). When piiTypes holds "medical", disclosureFormat, disclosedBy and disclosedTo are required; occurredAt is at or before discoveredAt; discoveredAt may not lie in the future.',
    DecisionBody: 'A decision without actorId: the actor is the person of the bearer token.',
  };
  const schemas = Object.fromEntries(
    Object.entries(COMPONENTS).map(([name, schema]) => {
      const description = descriptions[name as ComponentName];
      const json =
        name === 'Report'
          ? reportJsonSchema()
          : name === 'DecisionBody'
            ? withDisclosureGrounds(toJsonSchema(schema))
            : toJsonSchema(schema);
      return [name, description ? { ...json, description } : json];
    }),
  );
  return withLongPathAnswer({
    openapi: '3.1.0',
    info: {
      title: 'Breach response API',
      version: '1',
      description:
        'One durable workflow per PII breach incident (5 FAM 467-468). Every call but this document, /healthz and the approval-link pages carries `Authorization: Bearer <token>`: a token of BREACH_API_TOKENS or an access token of the OpenID provider (securitySchemes). Need to know (5 FAM 469.2c(1)): a caller sees an incident only when they hold a role it involves or reported it; any other answers 404 as if it did not exist. Rules no schema can say, refused with 400 naming the field: the discoveredAt of a report not in the future (5 minutes of clock skew tolerated) and its occurredAt at or before discoveredAt; the notifyAfter of a delay in the future (5 FAM 468.6-3a); the explanation of an authorized disclosure naming its recipient for the basis chosen (5 FAM 464b); the signature and expiry of an approval link (400 tampered, 410 expired). A method a path does not have is 405 with Allow; a path parameter longer than 2,200 characters is 414.',
    },
    servers: [{ url: serverUrl }],
    security: security.requirement,
    paths: {
      '/incidents': {
        post: {
          operationId: 'reportIncident',
          summary: 'Report a breach: starts the incident, or supplements a running one with the same incidentId',
          requestBody: { required: true, content: { 'application/json': { schema: ref('Report') } } },
          responses: {
            202: json('IncidentAccepted', 'the report was taken'),
            400: json('ValidationError', 'the report is not valid'),
            403: json(
              'Error',
              'the incidentId is taken by an incident the caller may not see: a supplement is for its reporter or someone with a role on it (leave incidentId out to report a new incident)',
            ),
            409: json('Error', 'the incident is closed'),
            413: json('Error', 'the body is larger than 1 MB'),
            415: json('Error', 'the body is not JSON'),
            ...common,
          },
        },
        get: {
          operationId: 'listIncidents',
          summary:
            'Incidents found by the search attributes BreachPhase and BreachAwaitingRole: only those the caller may see (need to know, 5 FAM 469.2c(1))',
          parameters: queryParameters(listQuerySchema),
          responses: {
            200: json('IncidentList', 'the incidents'),
            400: json('ValidationError', 'a filter is not valid'),
            ...common,
          },
        },
      },
      '/incidents/{incidentId}': {
        get: {
          operationId: 'getIncident',
          summary: "The incident's state (query incidentState)",
          parameters: [incidentIdParameter],
          responses: {
            200: json('IncidentState', 'the state'),
            400: json('ValidationError', 'the incident id is not valid'),
            404: json('Error', NOT_SEEN),
            504: json('Error', 'the workflow did not answer in time'),
            ...common,
          },
        },
      },
      ...decisionPaths(parts),
      '/incidents/{incidentId}/record': {
        get: {
          operationId: 'caseRecord',
          summary:
            'The case record (5 FAM 468.7; docs/case-record.md): JSON, or a printable page (Accept: text/html, ?format=html), or a PDF (Accept: application/pdf, ?format=pdf)',
          parameters: [
            incidentIdParameter,
            { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'html', 'pdf'] } },
          ],
          responses: {
            200: {
              description: 'the record',
              content: { 'application/json': { schema: ref('CaseRecord') }, 'text/html': {}, 'application/pdf': {} },
            },
            400: json('ValidationError', 'the incident id or the format is not valid'),
            403: json('Error', 'the caller is not of the playbook (need to know, 5 FAM 469.2c(1))'),
            404: json('Error', 'no such incident'),
            ...common,
          },
        },
      },
      ...decisionStatusPaths(parts),
      '/vendor/returns': {
        post: {
          operationId: 'vendorReturns',
          summary:
            "The mail vendor's undeliverable letters and the mail provider's bounced emails, by notice reference (mailPieceId, Message-ID) or roster line (5 FAM 468.6-2a); the vendor's bearer token and an HMAC signature (docs/case-record.md)",
          parameters: [
            {
              name: 'X-Breach-Signature',
              in: 'header',
              required: true,
              description:
                't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with BREACH_VENDOR_SIGNING_SECRET>; within BREACH_VENDOR_SIGNATURE_WINDOW (5 minutes) of the server clock, used once',
              schema: { type: 'string', pattern: '^t=\\d+,v1=[0-9a-f]{64}$' },
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: ref('VendorReturns') } } },
          responses: {
            202: { description: 'taken: `{ accepted }`' },
            400: json(
              'ValidationError',
              "not returns (a free-text reason or a person's data is refused); an unknown reference names returns.N.reference",
            ),
            401: json(
              'Error',
              'missing or unknown vendor token, or a missing, wrong, stale or replayed X-Breach-Signature (the error says which)',
            ),
            404: json('Error', 'no such incident'),
            409: json('Error', 'the incident is closed'),
            503: json(
              'Error',
              'returns are not taken (no vendor token or signing secret configured) or Temporal is unavailable',
            ),
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'liveness',
          summary: 'Liveness: the process answers (no credentials, no details)',
          security: [],
          responses: { 200: json('Health', 'the API process is alive') },
        },
      },
      '/readyz': {
        get: {
          operationId: 'readiness',
          summary:
            'Readiness: whether the API reaches Temporal; the checks are shown to a caller with a valid bearer token',
          // Credentials are optional: without them, the status alone.
          security: [{}, { bearer: [] }],
          responses: { 200: json('Readiness', 'Temporal answers'), 503: json('Readiness', 'Temporal does not answer') },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          security: [],
          responses: { 200: { description: 'the OpenAPI document' } },
        },
      },
      ...linkPaths(),
    },
    components: {
      securitySchemes: security.schemes,
      schemas,
    },
  });
}

/** The router's limit on one path parameter (api/server.ts `maxParamLength`): beyond it, 414 before any route. */
export const MAX_PATH_PARAMETER = 2_200;

/** Every operation with a path parameter also answers 414 (a parameter past the router's limit). */
function withLongPathAnswer<T extends { paths: Record<string, Record<string, unknown>> }>(document: T): T {
  for (const [path, operations] of Object.entries(document.paths)) {
    if (!path.includes('{')) continue;
    for (const operation of Object.values(operations) as { responses: Record<string, unknown> }[])
      operation.responses[414] = {
        description: `a path parameter longer than ${MAX_PATH_PARAMETER.toLocaleString('en-US')} characters (refused by the router)`,
      };
  }
  return document;
}
