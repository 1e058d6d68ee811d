/**
 * fast-check arbitraries of values valid by a JSON Schema of /openapi.json, as a client or a fuzzer
 * generated from the document would send them: `$ref`, `type` (with null), `enum`, `const`, strings
 * with `pattern` / `format` / lengths, numbers with bounds, arrays, objects with `required` and optional
 * properties, `oneOf` / `anyOf`, `not: { pattern }`, and `allOf` of `if` / `then` (the conditional
 * requirements). Only what the document says: a value from here that the server refuses with 400 means
 * the document leaves a rule out.
 */
import fc from 'fast-check';

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  contains?: JsonSchema;
  default?: unknown;
};

export type Document = { components?: { schemas?: Record<string, JsonSchema> } };

const DAY = 86_400_000;
/** Times in the past year (the document says a discovery may not lie in the future). */
const pastTime = fc.integer({ min: 1, max: 365 * DAY }).map((ago) => new Date(Date.now() - 60_000 - ago).toISOString());
const email = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/), fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/))
  .map(([user, host]) => `${user}@${host}.example`);

function resolve(schema: JsonSchema, doc: Document): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = doc.components?.schemas?.[name];
  if (!target) throw new Error(`unresolved ${schema.$ref}`);
  return resolve(target, doc);
}

/** Does `value` satisfy the few keywords an `if` uses (properties, required, contains, const, enum)? */
export function satisfies(value: unknown, schema: JsonSchema): boolean {
  if (schema.const !== undefined && value !== schema.const) return false;
  if (schema.enum && !schema.enum.includes(value)) return false;
  if (schema.contains && !(Array.isArray(value) && value.some((v) => satisfies(v, schema.contains!)))) return false;
  if (schema.required || schema.properties) {
    if (typeof value !== 'object' || value === null) return false;
    const object = value as Record<string, unknown>;
    if (schema.required?.some((key) => !(key in object))) return false;
    for (const [key, sub] of Object.entries(schema.properties ?? {}))
      if (key in object && !satisfies(object[key], sub)) return false;
  }
  return true;
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  // Short strings: the limits are tried by the hostile suite; here what is valid.
  const max = Math.min(schema.maxLength ?? 40, 40);
  const fits = (s: string) => s.length >= min && s.length <= (schema.maxLength ?? Infinity);
  let base: fc.Arbitrary<string>;
  if (schema.format === 'date-time') base = pastTime;
  else if (schema.format === 'email') base = email;
  // From the schema's own minimum: fast-check draws short strings, and a filter on the length would
  // spin for minutes (a 20-character explanation drawn from strings of 1 to 40: the run that took >10 min).
  else if (schema.pattern === '\\S')
    base = fc.string({ minLength: Math.max(1, min), maxLength: Math.max(min, max) }).filter((s) => /\S/.test(s));
  else if (schema.pattern) base = fc.stringMatching(new RegExp(schema.pattern));
  else base = fc.string({ minLength: min, maxLength: Math.max(min, max) });
  const not = schema.not?.pattern ? new RegExp(schema.not.pattern) : undefined;
  return base.filter((s) => fits(s) && !(not && not.test(s)));
}

function numberOf(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min =
    schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 1e-6) : -1e6);
  const max =
    schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 1e-6) : 1e6);
  return integer
    ? fc.integer({
        min: Math.ceil(Math.max(min, Number.MIN_SAFE_INTEGER)),
        max: Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER)),
      })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function objectOf(schema: JsonSchema, doc: Document): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const conditions = (schema.allOf ?? []).filter((s) => s.if && s.then);
  const draw = (key: string) => arbitraryOf(properties[key] ?? {}, doc);
  const record = Object.fromEntries(Object.keys(properties).map((key) => [key, draw(key)]));
  const optional = Object.keys(properties).filter((key) => !required.has(key));
  return fc
    .tuple(
      fc.record(record, { requiredKeys: [...required] }),
      fc.record(Object.fromEntries(optional.map((key) => [key, draw(key)]))),
    )
    .map(([value, extra]) => {
      // Each condition whose `if` holds makes its `then.required` present (taken from the second draw)
      // and its `then.properties` consts hold; one whose `if` fails drops the keys its `else` forbids
      // (`not: { anyOf: [{ required: [key] }] }`): what the document says of custody grounds.
      for (const condition of conditions) {
        const branch = satisfies(value, condition.if!) ? condition.then! : condition.else;
        if (!branch) continue;
        for (const key of branch.required ?? []) if (!(key in value)) value[key] = extra[key];
        for (const [key, sub] of Object.entries(branch.properties ?? {}))
          if (key in value && sub.const !== undefined) value[key] = sub.const;
        for (const forbidden of [branch.not, ...(branch.not?.anyOf ?? [])])
          for (const key of forbidden?.required ?? []) delete value[key];
      }
      return value;
    });
}

export function arbitraryOf(raw: JsonSchema, doc: Document): fc.Arbitrary<unknown> {
  const schema = resolve(raw, doc);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.oneOf) return fc.oneof(...schema.oneOf.map((s) => arbitraryOf(s, doc)));
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => arbitraryOf(s, doc)));
  const types = [schema.type ?? (schema.properties ? 'object' : 'string')].flat();
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'null':
          return fc.constant(null);
        case 'boolean':
          return fc.boolean();
        case 'integer':
          return numberOf(schema, true);
        case 'number':
          return numberOf(schema, false);
        case 'array': {
          const items = arbitraryOf(schema.items ?? {}, doc);
          return fc.array(items, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
        }
        case 'object':
          return objectOf(schema, doc);
        default:
          return stringOf(schema);
      }
    }),
  );
}
