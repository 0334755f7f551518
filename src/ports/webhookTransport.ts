/** One HTTP POST of a webhook. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** The receiver's answer: its status and the start of its body (kept for the attempt record). */
export interface WebhookResponse {
  status: number;
  bodyStart: string;
}

/**
 * Delivers webhooks over HTTP (`adapters/webhook`). Resolves with any HTTP answer, 2xx or not;
 * rejects with `WebhookTransportError` when there was none (timeout, refused, DNS, TLS).
 */
export interface WebhookTransport {
  post(request: WebhookRequest): Promise<WebhookResponse>;
}

export class WebhookTransportError extends Error {
  override readonly name = 'WebhookTransportError';
  constructor(
    message: string,
    readonly kind: 'timeout' | 'network',
  ) {
    super(message);
  }
}
