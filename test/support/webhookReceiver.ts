import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/notifiers/webhookSignature.js';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The signature checked with the documented recipe (verifyWebhook, the receiver's side). */
  verified: boolean;
}

/** What the receiver does with the n-th request (from 1): answer with a status, or never answer. */
export type WebhookAnswer = number | 'hang';

/** A real HTTP receiver on 127.0.0.1 (on `port`, else any free one) that verifies Standard Webhooks signatures with `secret`. */
export async function startWebhookReceiver(secret: string | null, answer: (attempt: number) => WebhookAnswer = () => 200, options: { port?: number } = {}) {
  const received: ReceivedWebhook[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => String(request.headers[name] ?? '');
      const verified =
        secret !== null &&
        verifyWebhook(secret, { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature') }, body, Math.floor(Date.now() / 1000));
      received.push({ headers: request.headers, body, verified });
      const decision = answer(received.length);
      if (decision === 'hang') {
        hanging.add(response);
        return;
      }
      response.writeHead(decision, { 'content-type': 'text/plain' }).end(decision < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/fax`,
    received,
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
