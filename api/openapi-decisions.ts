/**
 * The decisions' operations of the OpenAPI document (api/openapi.ts): a decision, what became of it, and
 * the approval links' pages. The body is the DecisionBody component, built from the kinds' definitions
 * (domain/decisions/).
 */
import { NO_ROLE, NOT_SEEN } from './openapi-security.js';
import { LINK_TOKEN_SCHEMA, type JsonSchema } from './openapi-schemas.js';
import type { ComponentName } from './openapi.js';

/** What the document's operations share. */
export interface Parts {
  ref: (name: ComponentName) => JsonSchema;
  json: (name: ComponentName, description: string) => JsonSchema;
  incidentIdParameter: JsonSchema;
  common: Record<number, JsonSchema>;
}

/** A decision. */
export function decisionPaths({ ref, json, incidentIdParameter, common }: Parts) {
  return {
    '/incidents/{incidentId}/decisions': {
      post: {
        operationId: 'decide',
        summary: 'A decision (update decide)',
        parameters: [incidentIdParameter],
        requestBody: { required: true, content: { 'application/json': { schema: ref('DecisionBody') } } },
        responses: {
          200: json('IncidentState', 'the new state'),
          202: json(
            'DecisionPending',
            'no worker accepted the decision in time (BREACH_DECISION_WAIT): it is recorded and will be applied or refused when a worker runs; follow it at GET .../decisions/{decisionId}',
          ),
          400: {
            description: 'the decision is not valid',
            content: { 'application/json': { schema: { oneOf: [ref('ValidationError'), ref('Refusal')] } } },
          },
          403: json('Refusal', `the caller lacks the gate's role; or ${NO_ROLE}`),
          404: json('Error', `${NOT_SEEN}: answered before the body is read, whatever it holds`),
          409: json('Refusal', 'not allowed now (for a refused closure: the open action items)'),
          413: json('Error', 'the body is larger than 1 MB'),
          415: json('Error', 'the body is not JSON'),
          504: json('Error', 'the workflow did not answer in time'),
          ...common,
        },
      },
    },
  };
}

/** What became of a decision. */
export function decisionStatusPaths({ json, incidentIdParameter, common }: Parts) {
  return {
    '/incidents/{incidentId}/decisions/{decisionId}': {
      get: {
        operationId: 'decisionStatus',
        summary:
          'What became of a decision: pending, applied or refused (with the reasons); the state is read at GET /incidents/{incidentId}',
        parameters: [
          incidentIdParameter,
          // "." and ".." are dot segments: a URL's normalisation removes them before the request is sent.
          {
            name: 'decisionId',
            in: 'path',
            required: true,
            schema: { type: 'string', minLength: 1, maxLength: 128, not: { pattern: '^\\.\\.?$' } },
          },
        ],
        responses: {
          200: json('DecisionStatus', 'the decision is pending, applied or refused'),
          400: json('ValidationError', 'the incident id or decision id is not valid'),
          403: json('Refusal', NO_ROLE),
          404: json('Error', `${NOT_SEEN}, answered before the decision id is checked; or no such decision on it`),
          ...common,
        },
      },
    },
  };
}

/** The approval links' pages (pages/link-pages.ts). */
export function linkPaths() {
  return {
    '/links/{token}': {
      get: {
        operationId: 'approvalLinkPage',
        summary: "An approval link's page: the incident's summary and the decision form (never decides)",
        security: [],
        parameters: [{ name: 'token', in: 'path', required: true, schema: LINK_TOKEN_SCHEMA }],
        responses: {
          200: { description: 'the form (HTML)' },
          400: { description: 'tampered link (the signature does not verify)' },
          404: { description: `${NOT_SEEN}: the link's person's need to know, before anything else of the link` },
          409: { description: 'used, or not open now' },
          410: { description: 'expired' },
        },
      },
      post: {
        operationId: 'approvalLinkSubmit',
        summary: "Sends the form's decision with the link's person as the actor",
        security: [],
        parameters: [{ name: 'token', in: 'path', required: true, schema: LINK_TOKEN_SCHEMA }],
        requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object' } } } },
        responses: {
          200: { description: 'recorded (HTML)' },
          400: {
            description: "tampered link (the signature does not verify), or a form that is not the link's decision",
          },
          403: { description: 'the person lacks the role' },
          404: { description: `${NOT_SEEN}: the link's person's need to know, before the form is read` },
          409: { description: 'used, or not open now' },
          410: { description: 'expired' },
        },
      },
    },
  };
}
