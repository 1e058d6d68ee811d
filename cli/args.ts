/**
 * Command-line parsing on node:util parseArgs. `decide` takes the decision's own fields as options
 * (`--office "A/GIS"`, `--factors.dataNature high`, `--options notify-individuals,credit-protection`),
 * so its options are read from parseArgs' tokens and typed by the kind's zod schema: a field the
 * schema wants as text stays text, a number or boolean is converted, a list is split or parsed as JSON.
 */
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { decisionBodySchema, type DecisionKind } from '../domain/decision.js';
import { UsageError } from './context.js';

type Tokens = NonNullable<ReturnType<typeof parseArgs>['tokens']>;

/** Options of any name, with their values: `--a.b v`, `--a.b=v`, a bare `--flag`. Repeats are kept. */
export function looseOptions(args: string[]): {
  positionals: string[];
  options: [name: string, value: string | undefined][];
} {
  const { tokens } = parseArgs({ args, strict: false, allowPositionals: true, tokens: true });
  const positionals: string[] = [];
  const options: [string, string | undefined][] = [];
  const list = tokens as Tokens;
  for (let i = 0; i < list.length; i += 1) {
    const token = list[i]!;
    if (token.kind === 'positional') positionals.push(token.value);
    else if (token.kind === 'option') {
      if (token.value !== undefined) {
        options.push([token.name, token.value]);
        continue;
      }
      // parseArgs cannot know that an unknown option takes a value: the positional after it is its value.
      const next = list[i + 1];
      if (next?.kind === 'positional') {
        options.push([token.name, next.value]);
        i += 1;
      } else options.push([token.name, undefined]);
    } else if (token.kind === 'option-terminator') {
      positionals.push(...list.slice(i + 1).flatMap((t) => (t.kind === 'positional' ? [t.value] : [])));
      break;
    }
  }
  return { positionals, options };
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema as z.ZodType & { _zod: { def: { type: string; innerType?: z.ZodType } } };
  while (
    ['optional', 'nullable', 'default', 'readonly', 'nonoptional'].includes(current._zod.def.type) &&
    current._zod.def.innerType
  ) {
    current = current._zod.def.innerType as typeof current;
  }
  return current;
}

/** The schema of the field at `path` in the kind's decision, or undefined for a field it does not have. */
export function fieldSchema(kind: DecisionKind, path: string[]): z.ZodType | undefined {
  const option = decisionBodySchema.options.find((o) => o.shape.kind.value === kind);
  let schema: z.ZodType | undefined = option;
  for (const key of path) {
    const inner = schema ? unwrap(schema) : undefined;
    const def = (inner as { _zod?: { def: { type: string; shape?: Record<string, z.ZodType> } } } | undefined)?._zod
      ?.def;
    if (def?.type !== 'object' || !def.shape) return undefined;
    schema = def.shape[key];
  }
  return schema ? unwrap(schema) : undefined;
}

function jsonOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A command-line value as the field's schema wants it (the schema still validates the result). */
export function convertValue(schema: z.ZodType | undefined, raw: string | undefined): unknown {
  const type = (schema as { _zod?: { def: { type: string } } } | undefined)?._zod?.def.type;
  if (raw === undefined) return type === 'boolean' || type === undefined ? true : raw;
  switch (type) {
    case 'string':
    case 'enum':
    case 'literal':
      return raw;
    case 'number': {
      const number = Number(raw.replace(/[,_]/g, ''));
      return raw.trim() !== '' && Number.isFinite(number) ? number : raw;
    }
    case 'boolean':
      return /^(true|yes|y|1)$/i.test(raw) ? true : /^(false|no|n|0)$/i.test(raw) ? false : raw;
    case 'array':
      return raw.trim().startsWith('[')
        ? jsonOr(raw)
        : raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
    default:
      return jsonOr(raw);
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  const previous = node[last];
  // A repeated list option adds to the list: `--options a --options b`.
  node[last] = Array.isArray(previous) && Array.isArray(value) ? [...previous, ...value] : value;
}

const PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

/** Decision fields from `--field value` options on top of `base` (the --file's object). */
export function decisionFields(
  kind: DecisionKind,
  options: [string, string | undefined][],
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = structuredClone(base);
  for (const [name, raw] of options) {
    if (!PATH.test(name))
      throw new UsageError(`--${name}: expected a field name such as --rationale or --factors.dataNature`);
    const path = name.split('.');
    setPath(body, path, convertValue(fieldSchema(kind, path), raw));
  }
  return body;
}
