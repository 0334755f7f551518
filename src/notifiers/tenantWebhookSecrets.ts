import { createHmac } from 'node:crypto';

/**
 * Each tenant's webhook secret (`whsec_…`, Standard Webhooks), which signs the webhooks a
 * submission names with `webhookUrl`. Derived from the server's signing key rather than stored, so
 * no event ever holds it (events are kept for ever) and every instance that shares the key agrees.
 */
export function createTenantWebhookSecrets(key: Buffer): (tenantId: string) => string {
  return (tenantId) => `whsec_${createHmac('sha256', key).update(`tenant-webhook-secret.${tenantId}`).digest('base64')}`;
}
