import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
}

/** What the sink answers to the n-th message (from 1): accept it, or refuse with an SMTP code. */
export type SmtpAnswer = 'accept' | { code: number; message: string };

/**
 * A real SMTP server (npm smtp-server) on 127.0.0.1, no TLS, no auth, that parses what it accepts
 * with mailparser. `answer` decides per delivery attempt, so tests can refuse with 4xx or 5xx.
 */
export async function startSmtpSink(answer: (attempt: number) => SmtpAnswer = () => 'accept') {
  const accepted: ReceivedMail[] = [];
  let attempts = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        attempts += 1;
        const decision = answer(attempts);
        if (decision !== 'accept') {
          callback(Object.assign(new Error(decision.message), { responseCode: decision.code }));
          return;
        }
        simpleParser(Buffer.concat(chunks))
          .then((parsed) => {
            accepted.push({ envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address), parsed });
            callback();
          })
          .catch(callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    accepted,
    /** Messages offered (DATA completed), accepted or not. */
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
