import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countPdfPages } from '../../src/adapters/documents/tiffTools.js';
import { basicAuth, startServerWithSimulator } from './serverHarness.js';

export const scenario = {
  gateways: { carrier1: { ip: '10.1.1.1' } },
  stations: { '5550001111': { pages: 3, ident: 'SENDER' } },
};
export const tenantAuth = basicAuth('acme', 'acme long password');
export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

export type Env = Awaited<ReturnType<typeof startServerWithSimulator>>;
export interface HistoryEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** Server environment for the notifiers: the SMTP sink, a fast retry schedule, short timeouts; Kafka when `topic` is given. */
export function notifierEnv(smtpPort: number, kafka?: { brokers: string[]; topic: string }): Record<string, string> {
  return {
    FAXENGINE_SMTP_HOST: '127.0.0.1',
    FAXENGINE_SMTP_PORT: String(smtpPort),
    FAXENGINE_SMTP_FROM: 'faxengine <fax@faxengine.test>',
    FAXENGINE_SMTP_TIMEOUT_MS: '2000',
    FAXENGINE_NOTIFICATIONS_RETRY_SCHEDULE: '150ms,300ms',
    FAXENGINE_NOTIFICATIONS_WEBHOOK_TIMEOUT_MS: '500',
    ...(kafka ? { FAXENGINE_KAFKA_BROKERS: kafka.brokers.join(','), FAXENGINE_KAFKA_TOPIC: kafka.topic } : {}),
  };
}

async function json(response: Response): Promise<Record<string, unknown>> {
  if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

/** Tenant Acme with number +15551230000 (notify: owner@acme.example), a carrier, and the given endpoints. */
export async function provision(env: Env, endpoints: Array<Record<string, unknown>>): Promise<string> {
  const acme = await json(await env.call('POST', '/v1/tenants', { name: 'Acme' }));
  await json(await env.call('POST', `/v1/tenants/${acme.id}/numbers`, { number: '5551230000', notifyEmails: ['owner@acme.example'] }));
  await json(await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }, priority: 0 }));
  for (const [index, target] of endpoints.entries()) await json(await env.call('POST', `/v1/tenants/${acme.id}/endpoints`, { target, priority: index + 1 }));
  await json(await env.call('POST', `/v1/tenants/${acme.id}/users`, { username: 'acme', password: 'acme long password' }));
  return String(acme.id);
}

/** A carrier call delivering a 3-page fax; answers the fax id once its call has ended. */
export async function receiveFax(env: Env): Promise<string> {
  const before = new Set(((await json(await env.call('GET', '/v1/faxes'))).items as Array<{ faxId: string }>).map((fax) => fax.faxId));
  await env.sim.startInboundCall({ from: '5550001111', to: '15551230000', gateway: 'carrier1' }).finished;
  for (let tries = 0; tries < 400; tries++) {
    const items = (await json(await env.call('GET', '/v1/faxes'))).items as Array<{ faxId: string; ended: boolean }>;
    const fax = items.find((item) => !before.has(item.faxId) && item.ended);
    if (fax) return fax.faxId;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the fax did not arrive');
}

export async function historyOf(env: Env, faxId: string): Promise<HistoryEvent[]> {
  return (await json(await env.call('GET', `/v1/faxes/${faxId}/events`))).items as HistoryEvent[];
}

export const ofType = (history: HistoryEvent[], type: string) => history.filter((event) => event.type === type);

/** Polls the fax's history until `condition` holds on it. */
export async function waitForHistory(env: Env, faxId: string, condition: (history: HistoryEvent[]) => boolean, timeoutMs = 15_000): Promise<HistoryEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The fax read model may not have the fax yet (404): that is "not yet" too.
    const response = await env.call('GET', `/v1/faxes/${faxId}/events`);
    const history = response.ok ? ((await response.json()) as { items: HistoryEvent[] }).items : [];
    if (condition(history)) return history;
    if (Date.now() > deadline) throw new Error(`history condition not met in ${timeoutMs} ms: ${history.map((event) => event.type).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Page count of PDF bytes, asked of ghostscript (which also proves the PDF parses). */
export async function pdfPages(bytes: Buffer, dir: string): Promise<number> {
  const path = join(dir, `check-${randomBytes(4).toString('hex')}.pdf`);
  writeFileSync(path, bytes);
  return countPdfPages(path);
}
