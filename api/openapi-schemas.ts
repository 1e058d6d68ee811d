/**
 * The JSON Schemas of GET /openapi.json (api/openapi.ts): zod's z.toJSONSchema of the schemas the
 * server validates with, and what their refinements say, stated in JSON Schema where it can be.
 */
import { z } from 'zod';
import { AUTHORIZED_BASIS_RULES, MIN_EXPLANATION } from '../domain/authorized.js';
import { PII_SHAPED_ID_PATTERN } from '../domain/ids.js';
import { LINK_TOKEN_MAX_LENGTH, LINK_TOKEN_PATTERN } from '../security/links.js';
import { incidentParamsSchema, reportSchema } from './schemas.js';

export type JsonSchema = Record<string, unknown>;

export function toJsonSchema(schema: z.ZodType): JsonSchema {
  // Requests are described as they are sent (input); refinements that JSON Schema cannot express
  // (the medical statement, occurredAt before discoveredAt) are in the descriptions instead.
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    // An address is what the validator's pattern (zod's, emitted beside it) takes: `format: email`
    // would let a client's validator, with its own idea of an address, differ from the server's.
    override: (ctx) => {
      if (ctx.jsonSchema.format === 'email') delete ctx.jsonSchema.format;
    },
  }) as JsonSchema;
  return rest;
}

/**
 * What zod's refinements say, in JSON Schema, so that a request valid by the document is not refused
 * for a rule the document leaves out: an incident id shaped like an SSN or a phone number (`not`), and
 * the medical statement (`if`/`then`). Times (a discovery not in the future, occurredAt not after it)
 * cannot be stated in JSON Schema and are in the descriptions.
 */
export const incidentIdJsonSchema = {
  ...toJsonSchema(incidentParamsSchema.shape.incidentId),
  not: { pattern: PII_SHAPED_ID_PATTERN.source },
  description:
    'Opaque: 3 to 64 letters, digits or dashes, and no group of digits shaped like an SSN (123-45-6789, 123456789) or a phone number (703-555-0147).',
};

const MEDICAL_STATEMENT = {
  if: { properties: { piiTypes: { contains: { const: 'medical' } } }, required: ['piiTypes'] },
  then: { required: ['disclosureFormat', 'disclosedBy', 'disclosedTo'] },
};

/** A report taken by telephone names the official who took it (api/telephone.ts fills it in when left out). */
const TELEPHONE_FILER = {
  if: { properties: { intakeChannel: { const: 'telephone' } }, required: ['intakeChannel'] },
  then: { required: ['filedBy'] },
};

export function reportJsonSchema(): JsonSchema {
  const schema = toJsonSchema(reportSchema) as JsonSchema & { properties: Record<string, JsonSchema> };
  return {
    ...schema,
    properties: { ...schema.properties, incidentId: incidentIdJsonSchema },
    allOf: [MEDICAL_STATEMENT, TELEPHONE_FILER],
  };
}

/** `<base64url payload>.<base64url HMAC-SHA256>` (security/links.ts); the signature is checked by the server (400 when it does not verify). */
export const LINK_TOKEN_SCHEMA = {
  type: 'string',
  pattern: LINK_TOKEN_PATTERN.source,
  maxLength: LINK_TOKEN_MAX_LENGTH,
};

/**
 * The grounds of a finding of authorized disclosure (domain/authorized.ts, checked by the API before the
 * workflow): what JSON Schema can state is stated (the recipient, the explanation's length, the custody
 * exemption's fields); the per-basis content of the explanation is in the description.
 */
export function withDisclosureGrounds(decisionBody: JsonSchema): JsonSchema {
  const oneOf = (decisionBody.oneOf as JsonSchema[]).map((variant) => {
    const properties = variant.properties as Record<string, JsonSchema>;
    if ((properties.kind as { const?: string }).const !== 'submit-analysis' || !properties.authorizedDisclosure)
      return variant;
    const ad = properties.authorizedDisclosure as JsonSchema & {
      properties: Record<string, JsonSchema>;
      required: string[];
    };
    const rules = Object.entries(AUTHORIZED_BASIS_RULES).map(
      ([basis, rule]) =>
        `${basis}: ${rule.mustShow}${rule.keyword ? ` (naming ${rule.keyword.what})` : ''} (${rule.paragraph})`,
    );
    // The custody facts (domain/custody.ts): the custodian's determination is recorded, and its name is one
    // a recipient can be matched against (a letter or digit); the comparisons are in the description.
    const custodian = ad.properties.custodian as
      (JsonSchema & { properties: Record<string, JsonSchema>; required: string[] }) | undefined;
    const custodianWithFacts = custodian && {
      ...custodian,
      properties: { ...custodian.properties, name: { ...custodian.properties.name, pattern: '[A-Za-z0-9]' } },
      required: [...new Set([...custodian.required, 'determination'])],
    };
    const authorizedDisclosure = {
      ...ad,
      properties: {
        ...ad.properties,
        explanation: { ...ad.properties.explanation, minLength: MIN_EXPLANATION },
        ...(custodianWithFacts ? { custodian: custodianWithFacts } : {}),
      },
      required: [...ad.required, 'recipient'],
      allOf: [
        {
          if: { properties: { basis: { const: 'hipaa-custody-exemption' } } },
          then: {
            required: ['custodian', 'custodyPurpose', 'subjectInLawfulCustody'],
            properties: { subjectInLawfulCustody: { const: true } },
          },
          else: {
            not: {
              anyOf: [
                { required: ['custodian'] },
                { required: ['custodyPurpose'] },
                { required: ['subjectInLawfulCustody'] },
              ],
            },
          },
        },
      ],
      description: `The finding's grounds: the recipient (5 FAM 464c), and an explanation of at least ${MIN_EXPLANATION} characters showing, by basis: ${rules.join('; ')}. For hipaa-custody-exemption (45 CFR 164.512(k)(5)(i)): the recipient is the custodian (recipient.name the custodian's name, or a unit of it named "unit, <custodian's name>"), and the custodian's determination is no later than disclosedAt. A finding without them is refused (400, issues under authorizedDisclosure).`,
    };
    return { ...variant, properties: { ...properties, authorizedDisclosure } };
  });
  return { ...decisionBody, oneOf };
}
