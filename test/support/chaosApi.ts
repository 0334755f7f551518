import { readTiffPages } from '../../src/sim/tiffReader.js';
import type { ApiFax } from './chaosInvariants.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const basicAuth = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A small client of one running faxengine's HTTP API (the port changes with every restart). */
export class ChaosApi {
  constructor(
    private readonly port: () => number,
    private readonly admin: string,
  ) {}

  url(path: string): string {
    return `http://127.0.0.1:${this.port()}${path}`;
  }

  async json(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(this.url(path), {
      method,
      headers: { authorization: this.admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  }

  /** Resolves once `/readyz` answers 200. */
  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await fetch(this.url('/readyz'), { signal: AbortSignal.timeout(5_000) }).then((res) => res.status, () => 0);
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`faxengine not ready after ${timeoutMs} ms (last /readyz: ${status})`);
      await sleep(100);
    }
  }

  /** Every fax of every tenant, following the cursor. */
  async allFaxes(): Promise<ApiFax[]> {
    const faxes: ApiFax[] = [];
    let cursor: string | null = null;
    do {
      const page = (await this.json('GET', `/v1/faxes?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)) as { items: ApiFax[]; nextCursor: string | null };
      faxes.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return faxes;
  }

  /** Pages of a fax's stored document as TIFF, or why it could not be read. */
  async documentPages(faxId: string): Promise<number | string> {
    const res = await fetch(this.url(`/v1/faxes/${faxId}/document`), { headers: { authorization: this.admin, accept: 'image/tiff' }, signal: AbortSignal.timeout(30_000) });
    if (res.status !== 200) return `GET document: ${res.status}`;
    try {
      return readTiffPages(Buffer.from(await res.arrayBuffer())).length;
    } catch (error) {
      return `unreadable TIFF: ${String(error)}`;
    }
  }

  /**
   * Tenant Acme with number 5551230000, user `acme`, and the carrier gateway its faxes come from and
   * go out on. Answers the user's API key as an `authorization` value: a key costs the server far
   * less per request than a password hash, so submissions are slow only when they are rendered.
   */
  async provision(gatewayIp: string): Promise<string> {
    const tenant = await this.json('POST', '/v1/tenants', { name: 'Acme' });
    await this.json('POST', `/v1/tenants/${String(tenant.id)}/numbers`, { number: '5551230000' });
    await this.json('POST', `/v1/tenants/${String(tenant.id)}/users`, { username: 'acme', password: 'acme password' });
    await this.json('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: [gatewayIp], role: 'upstream' } });
    const res = await fetch(this.url('/v1/me/api-keys'), {
      method: 'POST',
      headers: { authorization: basicAuth('acme', 'acme password'), 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'fault injection' }),
    });
    if (res.status >= 300) throw new Error(`POST /v1/me/api-keys: ${res.status} ${await res.text()}`);
    return `Bearer ${((await res.json()) as { key: string }).key}`;
  }
}
