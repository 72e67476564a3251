// Fake notification receivers on loopback: a webhook receiver whose answers a test scripts (fail, hang, recover),
// the reference Standard Webhooks verifier, and a real SMTP server (smtp-server) whose mails mailparser parses.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';

export type Received = { headers: IncomingMessage['headers']; body: string; at: number; path: string };
/** What the receiver does with the next request: answer with a status (its headers, a body dribbled out over
 * `bodyMs`), or never answer. */
export type Behaviour = { status: number; headers?: Record<string, string>; bodyMs?: number } | 'hang';

export type Receiver = {
  url: string;
  received: Received[];
  /** Answers for the next requests, in order; once used up, 200. */
  script: Behaviour[];
  /** Resolves when at least `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
};

/** A receiver on loopback; with `hang`, every request hangs (a hostile receiver). */
export async function startReceiver(options: { delayMs?: number; hang?: boolean } = {}): Promise<Receiver> {
  const received: Received[] = [];
  const script: Behaviour[] = [];
  const hanging = new Set<ServerResponse>();
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, at: Date.now(), path: req.url ?? '' });
      for (const wake of waiters.splice(0)) wake();
      const behaviour = options.hang ? 'hang' : (script.shift() ?? { status: 200 });
      if (behaviour === 'hang') {
        hanging.add(res);
        return;
      }
      setTimeout(() => {
        res.writeHead(behaviour.status, { 'content-type': 'text/plain', ...behaviour.headers });
        if (!behaviour.bodyMs) return void res.end('ok');
        // Headers now, then a byte every 100 ms until bodyMs has passed.
        hanging.add(res);
        res.flushHeaders();
        const drip = setInterval(() => res.write('.'), 100);
        res.on('close', () => clearInterval(drip));
        setTimeout(() => {
          clearInterval(drip);
          hanging.delete(res);
          res.end();
        }, behaviour.bodyMs);
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    script,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`receiver got ${received.length} of ${count} requests`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Checks a webhook delivery as a receiver does with the reference Standard Webhooks verifier (its headers, the id
 * signed, the timestamp within 5 minutes of now); throws when it fails, returns the parsed body when it passes. */
export function verifyDelivery(secret: string, r: Received): unknown {
  const headers: Record<string, string> = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'])
    headers[name] = String(r.headers[name] ?? '');
  return new Webhook(secret).verify(r.body, headers);
}

export type Mailbox = {
  url: string;
  mails: ParsedMail[];
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
};

/**
 * A real SMTP server on loopback, without TLS or authentication, that keeps every mail it accepts; it may refuse
 * some recipients (550) and take `delayMs` to accept each mail.
 */
export async function startMailbox(
  options: { refuse?: (address: string) => boolean; delayMs?: number } = {},
): Promise<Mailbox> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!options.refuse?.(address.address)) return callback();
      callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) =>
          setTimeout(() => {
            mails.push(mail);
            callback();
          }, options.delayMs ?? 0),
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < count) {
        if (Date.now() > deadline) throw new Error(`mailbox got ${mails.length} of ${count} mails`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
