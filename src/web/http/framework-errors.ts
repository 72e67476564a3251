// Errors Fastify and Node answer before any route or hook runs (a malformed URL, a path too long, a request that is
// not HTTP): the same security headers as every page, and a fixed message that never echoes what was sent.
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';

type FrameworkErrors = NonNullable<FastifyServerOptions['frameworkErrors']>;
type ClientErrorHandler = NonNullable<FastifyServerOptions['clientErrorHandler']>;

const ROUTING_PROBLEMS: Record<string, { status: number; message: string }> = {
  FST_ERR_BAD_URL: { status: 400, message: 'That address is not valid: it holds a malformed percent-encoding.' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, message: 'That address is too long.' },
};

const CLIENT_PROBLEMS: Record<string, { status: number; reason: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    message: 'The request line or headers are too large.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', message: 'The request took too long to arrive.' },
};
const NOT_HTTP = { status: 400, reason: 'Bad Request', message: 'That request is not valid HTTP.' };

/** How the app answers a problem (its problem page or JSON); known once the pages exist. */
export type ProblemAnswer = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => unknown;

export type FrameworkErrorOptions = {
  frameworkErrors: FrameworkErrors;
  clientErrorHandler: ClientErrorHandler;
  /** Hands routing errors to the app's own problem answer from now on. */
  answerWith(answer: ProblemAnswer): void;
};

/** Fastify options answering framework-level errors with `headers` (the site's security headers). */
export function frameworkErrorOptions(headers: Readonly<Record<string, string>>): FrameworkErrorOptions {
  let answer: ProblemAnswer = (_request, reply, status, message) =>
    reply.code(status).send({ error: { status, message } });
  const frameworkErrors: FrameworkErrors = (error, request, reply) => {
    const problem = ROUTING_PROBLEMS[error.code] ?? { status: 400, message: 'That request is not valid.' };
    // No hook ran for this request: set the headers they would have set.
    reply.headers(headers);
    void answer(request, reply, problem.status, problem.message);
  };
  const clientErrorHandler: ClientErrorHandler = (error: Error & { code?: string }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const problem = CLIENT_PROBLEMS[error.code ?? ''] ?? NOT_HTTP;
    const body = `${problem.message}\n`;
    const lines = [
      `HTTP/1.1 ${problem.status} ${problem.reason}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      'content-type: text/plain; charset=utf-8',
      'cache-control: no-store',
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
    ];
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  };
  return {
    frameworkErrors,
    clientErrorHandler,
    answerWith: (given) => {
      answer = given;
    },
  };
}
