/**
 * 405 for a method a route does not have (RFC 9110 15.5.6), with the `Allow` header, instead of the
 * router's 404: a client generated from /openapi.json that calls DELETE /incidents/{id} learns that the
 * resource exists and which methods it takes. Every route registered after this hook is recorded (those
 * of encapsulated plugins too: hooks are inherited), and the not-found handler asks whether the path
 * matches one of them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

interface KnownRoute {
  pattern: RegExp;
  methods: Set<string>;
}

/** `/incidents/:incidentId/decisions` → a regular expression matching one path segment per parameter. */
function patternOf(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

export function trackMethods(app: FastifyInstance): { allowed(path: string): string[] } {
  const routes = new Map<string, KnownRoute>();
  app.addHook('onRoute', (route) => {
    const known = routes.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) known.methods.add(method.toUpperCase());
    routes.set(route.url, known);
  });
  return {
    allowed(path) {
      const methods = new Set<string>();
      for (const route of routes.values()) if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
      return [...methods].sort();
    },
  };
}

/** The not-found handler: 405 with `Allow` when the path is a route's, else 404. */
export function notFoundOr405(methods: { allowed(path: string): string[] }) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]!;
    const allowed = methods.allowed(path);
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send({ error: `${request.method} is not a method of ${path}: expected ${allowed.join(', ')}` });
    }
    return reply.code(404).send({ error: `no route ${request.method} ${path}` });
  };
}

/**
 * An onRequest hook: a method the path's routes do not have is answered 405 before anything reads the
 * body, so a method with a body the router knows but no route takes (QUERY) is 405 too, not a 400 for
 * its missing Content-Type.
 */
export function refuseUndeclaredMethods(methods: { allowed(path: string): string[] }) {
  const answer = notFoundOr405(methods);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const allowed = methods.allowed(request.url.split('?')[0]!);
    if (allowed.length === 0 || allowed.includes(request.method)) return undefined;
    if (request.method === 'HEAD' && allowed.includes('GET')) return undefined;
    return answer(request, reply);
  };
}
