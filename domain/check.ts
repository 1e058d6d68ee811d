/**
 * Small plain checks for the workflow sandbox, where zod is not loaded (every module the workflow code
 * imports is evaluated again for every incident the worker creates or replays: docs/performance.md). They give the
 * issues zod gives for the same schema (path, and zod's own English messages where a schema states none),
 * so a decision or a report the workflow refused before is refused with the same reasons, and what it
 * accepted it accepts with the same value (trimmed text included). tests/rules/plain-checks.test.ts runs
 * them side by side with the zod schemas of the boundaries on generated input.
 *
 * Only what the workflow's checks use: strings (trim, pattern, min/max length), numbers (whole, range),
 * booleans, literals and enums, arrays, strict or loose objects, optional fields.
 */
export type Path = (string | number)[];
export interface RawIssue {
  path: Path;
  message: string;
}

/**
 * A check: the value it accepts (possibly transformed, e.g. trimmed), or FAIL after recording its issues;
 * with what it checks (`spec`), from which the boundaries build the same rule in zod (domain/decision.ts).
 */
export type Check<T> = ((value: unknown, path: Path, issues: RawIssue[]) => T | typeof FAIL) & { readonly spec: Spec };
export const FAIL: unique symbol = Symbol('fail');

export type Spec =
  | { type: 'string'; trim?: boolean; typeMessage?: string; format?: 'date-time'; rules: readonly StringRule[] }
  | { type: 'number'; rules: NumberRules }
  | { type: 'boolean' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'literal'; value: string }
  | { type: 'array'; item: Check<unknown>; rules: LengthRules }
  | { type: 'object'; shape: Shape; mode: 'strict' | 'loose' }
  | { type: 'union'; key: string; options: Readonly<Record<string, Check<unknown>>> };

const described = <T>(
  check: (value: unknown, path: Path, issues: RawIssue[]) => T | typeof FAIL,
  spec: Spec,
): Check<T> => Object.assign(check, { spec });

/** The type name zod's messages give a value (zod/v4 core util.parsedType and the English locale). */
function received(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'number' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (
      proto !== Object.prototype &&
      proto !== null &&
      'constructor' in (value as object) &&
      (value as { constructor?: { name?: string } }).constructor
    ) {
      return (value as { constructor: { name: string } }).constructor.name;
    }
  }
  return typeof value;
}

const invalidType = (expected: string, value: unknown) =>
  `Invalid input: expected ${expected}, received ${received(value)}`;

/** A rule of a string, run in the order given as zod runs its checks: min/max length, a pattern or a test with its message. */
export type StringRule =
  | ['min', number, string?]
  | ['max', number, string?]
  | ['pattern', RegExp, string]
  | ['refine', (text: string) => boolean, string];

/**
 * zod's `z.string()` with `.trim()` first when `trim`, then the rules in order; every rule runs (no
 * abort). `typeMessage`: the message of a value that is not a string, where the schema states one (an ISO
 * time). `format: 'date-time'`: the rules check an ISO 8601 time, which zod states as `z.iso.datetime`.
 */
export function string(
  options: { trim?: boolean; typeMessage?: string; format?: 'date-time' },
  ...rules: StringRule[]
): Check<string> {
  return described(
    (value, path, issues) => {
      if (typeof value !== 'string') {
        issues.push({ path, message: options.typeMessage ?? invalidType('string', value) });
        return FAIL;
      }
      const text = options.trim ? value.trim() : value;
      const before = issues.length;
      for (const rule of rules) {
        if (rule[0] === 'min' && text.length < rule[1])
          issues.push({ path, message: rule[2] ?? `Too small: expected string to have >=${rule[1]} characters` });
        if (rule[0] === 'max' && text.length > rule[1])
          issues.push({ path, message: rule[2] ?? `Too big: expected string to have <=${rule[1]} characters` });
        if (rule[0] === 'refine' && !rule[1](text)) issues.push({ path, message: rule[2] });
        if (rule[0] === 'pattern') {
          if (!rule[1].test(text)) issues.push({ path, message: rule[2] });
        }
      }
      return issues.length > before ? FAIL : text;
    },
    { type: 'string', ...options, rules },
  );
}

export interface NumberRules {
  /** A whole number within the safe integer range; the message replaces zod's for both. */
  int?: true | string;
  min?: [number, string?];
  max?: [number, string?];
}

/** zod's `z.number()` (finite) with `.int()`, `.min()`, `.max()`. */
export function number(rules: NumberRules = {}): Check<number> {
  return described(
    (value, path, issues) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        issues.push({ path, message: invalidType('number', value) });
        return FAIL;
      }
      const before = issues.length;
      if (rules.int) {
        const message = typeof rules.int === 'string' ? rules.int : undefined;
        // zod: a fraction stops the checks there; a whole number outside the safe range does not.
        if (!Number.isInteger(value)) {
          issues.push({ path, message: message ?? invalidType('int', value) });
          return FAIL;
        }
        if (value > Number.MAX_SAFE_INTEGER)
          issues.push({ path, message: message ?? `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}` });
        if (value < Number.MIN_SAFE_INTEGER)
          issues.push({ path, message: message ?? `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}` });
      }
      if (rules.min && value < rules.min[0])
        issues.push({ path, message: rules.min[1] ?? `Too small: expected number to be >=${rules.min[0]}` });
      if (rules.max && value > rules.max[0])
        issues.push({ path, message: rules.max[1] ?? `Too big: expected number to be <=${rules.max[0]}` });
      return issues.length > before ? FAIL : value;
    },
    { type: 'number', rules },
  );
}

export const boolean: Check<boolean> = described(
  (value, path, issues) => {
    if (typeof value === 'boolean') return value;
    issues.push({ path, message: invalidType('boolean', value) });
    return FAIL;
  },
  { type: 'boolean' },
);

/** zod's `z.enum(values)`. */
export function oneOf<const T extends readonly string[]>(values: T): Check<T[number]> {
  const message =
    values.length === 1
      ? `Invalid input: expected ${JSON.stringify(values[0])}`
      : `Invalid option: expected one of ${values.map((v) => JSON.stringify(v)).join('|')}`;
  return described<T[number]>(
    (value, path, issues) => {
      if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T[number];
      issues.push({ path, message });
      return FAIL;
    },
    { type: 'enum', values },
  );
}

interface LengthRules {
  min?: [number, string?];
  max?: [number, string?];
}

/** zod's `z.array(item).min().max()`. */
export function array<T>(item: Check<T>, rules: LengthRules = {}): Check<T[]> {
  return described(
    (value, path, issues) => {
      if (!Array.isArray(value)) {
        issues.push({ path, message: invalidType('array', value) });
        // zod runs the length limit on a string given for an array too, and says so.
        if (rules.max && typeof value === 'string' && value.length > rules.max[0])
          issues.push({ path, message: `Too big: expected string to have <=${rules.max[0]} characters` });
        return FAIL;
      }
      // zod: too many items is reported alone, before any item is parsed; too few after the items' issues.
      if (rules.max && value.length > rules.max[0]) {
        issues.push({ path, message: rules.max[1] ?? `Too big: expected array to have <=${rules.max[0]} items` });
        return FAIL;
      }
      const before = issues.length;
      const out = value.map((v, i) => item(v, [...path, i], issues));
      if (rules.min && value.length < rules.min[0])
        issues.push({ path, message: rules.min[1] ?? `Too small: expected array to have >=${rules.min[0]} items` });
      return issues.length > before ? FAIL : (out as T[]);
    },
    { type: 'array', item, rules },
  );
}

/** A field that may be absent (or undefined), as zod's `.optional()`. */
export interface Optional<T> {
  optional: Check<T>;
}
export const optional = <T>(check: Check<T>): Optional<T> => ({ optional: check });

type Field = Check<unknown> | Optional<unknown>;
export type Shape = Record<string, Field>;
/** The value an object of this shape gives. */
export type Out<S extends Shape> = {
  [K in keyof S as S[K] extends Optional<unknown> ? never : K]: S[K] extends Check<infer T> ? T : never;
} & {
  [K in keyof S as S[K] extends Optional<unknown> ? K : never]?: S[K] extends Optional<infer T> ? T : never;
};

/**
 * zod's `z.strictObject(shape)` (`strict`: unknown keys refused, in one issue after the fields') or
 * `z.looseObject(shape)` (unknown keys kept). The value has the shape's keys in the shape's order, as zod's.
 */
export function object<S extends Shape>(shape: S, mode: 'strict' | 'loose'): Check<Out<S>> {
  const keys = Object.keys(shape);
  return described(
    (value, path, issues) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push({ path, message: invalidType('object', value) });
        return FAIL;
      }
      const input = value as Record<string, unknown>;
      const before = issues.length;
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const field = shape[key]!;
        const isOptional = typeof field !== 'function';
        const v = input[key];
        if (isOptional && v === undefined) {
          if (key in input) out[key] = undefined;
          continue;
        }
        const checked = (isOptional ? field.optional : field)(v, [...path, key], issues);
        if (checked !== FAIL) out[key] = checked;
      }
      if (mode === 'strict') {
        // Own keys of the shape only: a key named like an Object.prototype member ("toString",
        // "constructor") is unknown, as in zod (which compares against a set of the shape's keys). The API
        // refuses such a decision with zod, so no incident accepted one that it would now refuse on replay.
        const unknown = Object.keys(input).filter((k) => !Object.hasOwn(shape, k));
        if (unknown.length)
          issues.push({
            path,
            message: `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => JSON.stringify(k)).join(', ')}`,
          });
      } else {
        // Kept as own data properties: a "__proto__" key from JSON must not become the value's prototype.
        for (const k of Object.keys(input))
          if (!Object.hasOwn(shape, k))
            Object.defineProperty(out, k, { value: input[k], enumerable: true, writable: true, configurable: true });
      }
      return issues.length > before ? FAIL : (out as Out<S>);
    },
    { type: 'object', shape, mode },
  );
}

/** zod's `z.discriminatedUnion(key, options)` over strict objects whose `key` is a literal. */
export function union<T>(key: string, options: Record<string, Check<T>>): Check<T> {
  const names = Object.keys(options);
  const message = `Invalid discriminator value. Expected ${names.map((n) => `'${n}'`).join(' | ')}`;
  return described(
    (value, path, issues) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push({ path, message: invalidType('object', value) });
        return FAIL;
      }
      const tag = (value as Record<string, unknown>)[key];
      const option = typeof tag === 'string' && Object.hasOwn(options, tag) ? options[tag] : undefined;
      if (!option) {
        issues.push({ path: [...path, key], message });
        return FAIL;
      }
      return option(value, path, issues);
    },
    { type: 'union', key, options },
  );
}

/** zod's `z.literal(value)` for a string. */
export function literal<const T extends string>(expected: T): Check<T> {
  return described(oneOf([expected] as const), { type: 'literal', value: expected });
}

/** The issues as `{ path, message }` with dotted paths, `(root)` for the whole value (domain/issues.ts). */
export function run<T>(
  check: Check<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; issues: { path: string; message: string }[] } {
  const issues: RawIssue[] = [];
  const out = check(value, [], issues);
  if (out === FAIL || issues.length)
    return {
      ok: false,
      issues: issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })),
    };
  return { ok: true, value: out };
}
