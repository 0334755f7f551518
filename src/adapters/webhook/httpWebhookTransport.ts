import { WebhookTransportError, type WebhookTransport } from '../../ports/webhookTransport.js';

const keptBodyChars = 512;

/**
 * Webhooks over Node's fetch. Redirects are not followed: the signature was made for this URL,
 * and a receiver that moved should be reconfigured, so a 3xx counts as a failed attempt.
 */
export function createHttpWebhookTransport(): WebhookTransport {
  return {
    async post(request) {
      let response: Response;
      try {
        response = await fetch(request.url, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(request.timeoutMs),
        });
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'TimeoutError' || name === 'AbortError') throw new WebhookTransportError(`no answer within ${request.timeoutMs} ms`, 'timeout');
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new WebhookTransportError(cause?.code ?? cause?.message ?? (error as Error).message, 'network');
      }
      // Read a little of the body for the record, within the same deadline; the rest is dropped.
      let bodyStart = '';
      try {
        bodyStart = (await response.text()).slice(0, keptBodyChars);
      } catch {
        bodyStart = '';
      }
      return { status: response.status, bodyStart };
    },
  };
}
