// Real fax streams for test/bench/history.ts: a short run of the whole server with the simulator
// (in this process; nothing of it is measured) provisions the tenants through the API and sends and
// receives one fax of each kind; their `fax-` streams are the templates history.ts replays with new
// ids. So the generated history has exactly the event types and data shapes the runtimes append.
import { createSqliteEventStore } from '../../src/adapters/eventStore/sqlite/sqliteEventStore.js';
import type { RecordedEvent } from '../../src/ports/eventStore.js';
import { okJson } from '../support/e2eProvisioning.js';
import { basicAuth, startServerWithSimulator } from '../support/serverHarness.js';
import { twoPagePdf } from '../support/twoPagePdf.js';

export interface TemplateFax {
  kind: string;
  /** Share of the generated faxes (weights, not normalised). */
  weight: number;
  events: RecordedEvent[];
}

export interface Tenant {
  id: string;
  /** Its one number, national digits (`5551230001`). */
  number: string;
}

/** The tenant user of the history (its API key is `apiKey`); its password signs in to the web console. */
export const benchUser = { username: 'bench', password: 'bench long password' } as const;

export interface CapturedHistory {
  tenants: Tenant[];
  /** The tenant whose user's API key is `apiKey`; the template faxes are all this tenant's. */
  userTenant: Tenant;
  apiKey: string;
  templates: TemplateFax[];
  /** The remote stations' numbers the templates talked to (national digits), to be replaced per fax. */
  remoteNumbers: string[];
}

const remote = { sender: '5550001111', shortSender: '5550001112', failer: '5550001113', dropper: '5550001114', voice: '5550001115', busy: '5550002221', slow: '5550002222', receiver: '5550002223' };
const tenantNumber = (index: number) => `55512${String(30000 + index)}`;

/** Provisions `tenantCount` tenants into `dataDir` (an empty directory) and records one fax of each kind. */
export async function captureHistory(dataDir: string, tenantCount: number): Promise<CapturedHistory> {
  // Stations are keyed as dialled: faxengine dials E.164, which the simulator matches without its `+`.
  const scenario = {
    gateways: { carrier1: { ip: '10.1.1.1' } },
    stations: {
      [`1${remote.sender}`]: { pages: 3, ident: 'ACME SALES' },
      [`1${remote.shortSender}`]: { pages: 1, ident: '' },
      [`1${remote.failer}`]: { pages: 2, failure: { code: 20, afterPages: 0 } },
      [`1${remote.dropper}`]: { pages: 3, hangupAfterPages: 1 },
      [`1${remote.voice}`]: { line: 'voice' as const, hangupAfterSeconds: 20 },
      [`1${remote.busy}`]: { outcome: 'USER_BUSY' },
      [`1${remote.slow}`]: { outcome: 'NO_ANSWER' },
      [`1${remote.receiver}`]: { ident: 'BILLING DEPT' },
    },
  };
  const env = await startServerWithSimulator({ dataDir, scenario });
  try {
    const tenants: Tenant[] = [];
    for (let index = 1; index <= tenantCount; index++) {
      const tenant = await okJson(await env.call('POST', '/v1/tenants', { name: `Tenant ${index}`, email: `fax@tenant${index}.example` }));
      await okJson(await env.call('POST', `/v1/tenants/${tenant.id}/numbers`, { number: tenantNumber(index) }));
      tenants.push({ id: String(tenant.id), number: tenantNumber(index) });
    }
    await okJson(await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' } }));
    const userTenant = tenants[0]!;
    const user = { ...benchUser };
    await okJson(await env.call('POST', `/v1/tenants/${userTenant.id}/users`, user));
    const apiKey = String((await okJson(await env.call('POST', '/v1/me/api-keys', { label: 'bench' }, basicAuth(user.username, user.password)))).key);
    const auth = `Bearer ${apiKey}`;
    const base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    for (let tries = 0; tries < 400 && env.sim.connections().filter((connection) => connection.open).length === 0; tries++) await sleep(25);

    const kinds = new Map<string, number>();
    const known = new Set<string>();
    const newFaxIds = async (): Promise<string[]> => {
      const page = (await okJson(await env.call('GET', '/v1/faxes?limit=500', undefined, auth))).items as Array<{ faxId: string }>;
      const fresh = page.map((fax) => fax.faxId).filter((id) => !known.has(id));
      for (const id of fresh) known.add(id);
      return fresh;
    };
    const ended = async (id: string) => {
      for (let tries = 0; tries < 2400; tries++) {
        const fax = await okJson(await env.call('GET', `/v1/faxes/${id}`, undefined, auth));
        if (fax.ended === true) return fax;
        await sleep(25);
      }
      throw new Error(`fax ${id} did not end`);
    };
    const record = async (kind: string, weight: number) => {
      let ids = await newFaxIds();
      for (let tries = 0; tries < 400 && ids.length === 0; tries++) {
        await sleep(25);
        ids = await newFaxIds();
      }
      if (ids.length !== 1) throw new Error(`template ${kind}: expected one new fax, found ${ids.length}`);
      await ended(ids[0]!);
      kinds.set(ids[0]!, weight);
      order.push([ids[0]!, kind]);
    };
    const order: Array<[string, string]> = [];

    const receive = async (national: string, to = `1${userTenant.number}`) => env.sim.startInboundCall({ from: `1${national}`, to, gateway: 'carrier1' }).finished;
    await receive(remote.sender);
    await record('inbound received 3 pages', 30);
    await receive(remote.shortSender);
    await record('inbound received 1 page', 14);
    await receive(remote.failer);
    await record('inbound failed (T.30 code 20)', 4);
    await receive(remote.dropper);
    await record('inbound interrupted (caller hung up)', 3);
    await receive(remote.voice);
    await record('inbound voice call', 2);

    const submit = async (to: string, policy?: object) => {
      const form = new FormData();
      form.set('to', `+1${to}`);
      form.set('from', userTenant.number);
      if (policy) form.set('policy', JSON.stringify(policy));
      form.append('file', new Blob([twoPagePdf(`template ${to}`)], { type: 'application/pdf' }), 'letter.pdf');
      return okJson(await fetch(`${base}/v1/faxes`, { method: 'POST', headers: { authorization: auth }, body: form }));
    };
    await ended(String((await submit(remote.receiver)).id));
    await record('outbound sent 2 pages', 38);
    await ended(String((await submit(remote.busy, { maxAttempts: 2, busyRetryDelayMs: 1000 })).id));
    await record('outbound failed (busy, 2 attempts)', 6);
    // Cancelled while it waits to retry, the common case (a call in progress hangs up the same way).
    const slow = await submit(remote.slow, { maxAttempts: 3, noAnswerRetryDelayMs: 600_000 });
    for (let tries = 0; tries < 2400; tries++) {
      const fax = await okJson(await env.call('GET', `/v1/faxes/${String(slow.id)}`, undefined, auth));
      if ((fax.outbound as { retryAt: string | null } | undefined)?.retryAt) break;
      await sleep(25);
    }
    await okJson(await env.call('DELETE', `/v1/faxes/${String(slow.id)}`, undefined, auth));
    await ended(String(slow.id));
    await record('outbound cancelled', 3);
    await sleep(500);

    await env.close();
    const store = createSqliteEventStore({ path: `${dataDir}/events.sqlite` });
    const templates: TemplateFax[] = [];
    for (const [faxId, kind] of order) templates.push({ kind, weight: kinds.get(faxId)!, events: await store.readStream(`fax-${faxId}`) });
    await store.close();
    return { tenants, userTenant, apiKey, templates, remoteNumbers: Object.values(remote) };
  } catch (error) {
    await env.close().catch(() => undefined);
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
