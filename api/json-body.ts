/**
 * The API's JSON body parser. Fastify's own refuses a body holding a `__proto__` key, or a `constructor`
 * key whose value holds `prototype` (prototype poisoning), and answers that the body "is not valid
 * JSON", which it is. This one refuses the same bodies and names the key and where it is, like any other
 * bad field; an empty body and text that is not JSON keep Fastify's own errors.
 */
import { errorCodes, type FastifyInstance } from 'fastify';

export interface BodyIssue {
  path: string;
  message: string;
}

interface Frame {
  value: unknown;
  key: string | number | undefined;
  parent: Frame | undefined;
}

const pathOf = (frame: Frame, ...tail: string[]): string => {
  const keys: (string | number)[] = [];
  for (let f: Frame | undefined = frame; f && f.key !== undefined; f = f.parent) keys.push(f.key);
  return [...keys.reverse(), ...tail].join('.');
};

/**
 * The first forbidden key in `value` (depth first), or undefined. Iterative, and each value keeps a link
 * to its parent instead of a copy of its path: a body may nest hundreds of thousands deep.
 */
export function forbiddenKey(value: unknown): BodyIssue | undefined {
  const stack: Frame[] = [{ value, key: undefined, parent: undefined }];
  while (stack.length) {
    const frame = stack.pop()!;
    const v = frame.value;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: frame });
      continue;
    }
    const keys = Object.keys(v);
    if (keys.includes('__proto__'))
      return { path: pathOf(frame, '__proto__'), message: 'a key named "__proto__" is not accepted' };
    const ctor = (v as Record<string, unknown>).constructor;
    if (keys.includes('constructor') && ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) {
      return {
        path: pathOf(frame, 'constructor', 'prototype'),
        message: 'a "constructor" key holding "prototype" is not accepted',
      };
    }
    for (let i = keys.length - 1; i >= 0; i--)
      stack.push({ value: (v as Record<string, unknown>)[keys[i]!], key: keys[i]!, parent: frame });
  }
  return undefined;
}

/** Replaces the app's JSON parser; `refuse` makes the 400 the app answers for bad input. */
export function useJsonBodyParser(app: FastifyInstance, refuse: (issues: BodyIssue[]) => Error): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return done(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), undefined);
    }
    const forbidden = forbiddenKey(value);
    return forbidden ? done(refuse([forbidden]), undefined) : done(null, value);
  });
}
