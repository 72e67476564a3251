// Input with a NUL character is refused with a 400 before any route reads it: PostgreSQL cannot store or compare it.
import type { FastifyInstance } from 'fastify';
import { BadRequest } from './problems.ts';

/** Where in the request a NUL character hides ("params.token", "body.target"), or null. */
export function nulCharacterAt(parts: Record<string, unknown>): string | null {
  const stack: [string, unknown][] = Object.entries(parts);
  while (stack.length > 0) {
    const [path, value] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key.includes('\u0000')) return path;
        stack.push([`${path}.${key}`, inner]);
      }
    }
  }
  return null;
}

export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    // Without a body, a NUL can only come in through the address as %00 (the HTTP parser refuses a raw one): the
    // common GET skips the walk.
    if (request.body === undefined && !request.url.includes('%00')) return done();
    const at = nulCharacterAt({ params: request.params, query: request.query, body: request.body });
    done(
      at
        ? new BadRequest(`Invalid request: ${at} contains a NUL character (\\u0000), which no field accepts.`)
        : undefined,
    );
  });
}
