// The documented operations that take a body take JSON only: a body of another type (a form, plain text) is refused
// with 415 before any validation, whatever parsers the app keeps for its HTML forms.
import type { FastifyInstance } from 'fastify';
import type { Operation } from './operations.ts';
import { BadRequest } from '../http/problems.ts';

/** An OpenAPI path (`/api/v1/providers/{provider}/reports`) as Fastify writes it (`…/:provider/reports`). */
export const routePath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

export function refuseNonJsonBodies(app: FastifyInstance, operations: readonly Operation[]): void {
  const json = new Set(operations.filter((op) => op.body).map((op) => `${op.method} ${routePath(op.path)}`));
  app.addHook('preValidation', (request, _reply, done) => {
    const type = request.headers['content-type'];
    if (type === undefined || !json.has(`${request.method} ${request.routeOptions.url}`)) return done();
    if ((type.split(';')[0] ?? '').trim().toLowerCase() !== 'application/json')
      return done(new BadRequest('Send the body as JSON (Content-Type: application/json).', 415));
    done();
  });
}
