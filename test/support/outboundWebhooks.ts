import type { ReceivedWebhook } from './webhookReceiver.js';

/** The outbound webhook types, in the order one fax's steps happen. */
export const allOutboundEvents = ['fax.queued', 'fax.converted', 'fax.attempt.started', 'fax.attempt.failed', 'fax.sent', 'fax.failed', 'fax.cancelled'];

export interface Delivered {
  type: string;
  id: string;
  verified: boolean;
  status: number | undefined;
  data: Record<string, any>;
}

/** What a receiver got, parsed: type, webhook-id, signature check and data, in arrival order. */
export function delivered(received: readonly ReceivedWebhook[]): Delivered[] {
  return received.map((request) => {
    const body = JSON.parse(request.body) as { type: string; data: Record<string, any> };
    return { type: body.type, id: String(request.headers['webhook-id']), verified: request.verified, status: undefined, data: body.data };
  });
}

/** A multipart fax submission (`POST /v1/faxes`) with the given fields and one PDF. */
export async function submitFax(baseUrl: string, authorization: string, pdf: Uint8Array, fields: Record<string, string>): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'letter.pdf');
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return fetch(`${baseUrl}/v1/faxes`, { method: 'POST', headers: { authorization }, body: form });
}

/** Polls `check` until it holds (generous deadlines: the machine is shared). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
