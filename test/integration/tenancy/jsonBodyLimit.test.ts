import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { generatedBytes, rawRequest, serveOverHttp } from '../../support/rawHttp.js';
import { sampleRss } from '../../support/rssSampler.js';
import { basic, startTenancyHarness, type TenancyHarness } from '../../support/tenancyHarness.js';
import { within } from '../../support/within.js';

type Json = Record<string, any>;
const limit = 64 * 1024;
const hugeBody = 200 * 1024 ** 2;

describe('JSON request bodies are bounded by http.maxJsonBodyBytes', () => {
  let h: TenancyHarness;
  let http: Awaited<ReturnType<typeof serveOverHttp>>;
  const alice = basic('alice', 'alice password');
  const keyRequest = (headers: Record<string, string>) => ({ method: 'POST', path: '/v1/me/api-keys', headers: { authorization: alice, 'content-type': 'application/json', ...headers } });

  beforeAll(async () => {
    h = await startTenancyHarness();
    const tenant = (await (await h.call('POST', '/v1/tenants', { name: 'Acme' })).json()) as Json;
    expect((await h.call('POST', `/v1/tenants/${tenant.id}/users`, { username: 'alice', password: 'alice password' })).status).toBe(201);
    http = await serveOverHttp(h.app);
  });
  afterAll(async () => {
    await http.close();
    await h.close();
  });

  it('refuses a Content-Length over the limit with 413 naming it, before the body is sent, and closes the connection', async () => {
    // 200 MB announced, 1 KiB sent: the answer can only come if the server does not wait for the rest.
    const res = await within(10_000, 'the 413', rawRequest(http.port, keyRequest({ 'Content-Length': String(hugeBody) }), generatedBytes(1024)));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 413, field: 'body', detail: expect.stringMatching(/65536 bytes.*http\.maxJsonBodyBytes/) });
    await within(10_000, 'the server closing the connection', res.closed);
  });

  it('refuses a chunked body at the limit, reads no further and holds no more memory', async () => {
    const rss = sampleRss();
    const res = await within(60_000, 'the 413', rawRequest(http.port, keyRequest({}), generatedBytes(hugeBody, 0x20), { chunked: true }));
    await within(10_000, 'the server closing the connection', res.closed);
    const memory = rss.stop();
    expect(memory.growthMb, JSON.stringify(memory)).toBeLessThan(50);
    // The limit, plus what was in flight on the socket when the answer went out; never the 200 MB.
    expect(http.bytesReadFrom(res.localPort)).toBeLessThan(4 * 1024 ** 2);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ field: 'body', detail: expect.stringContaining('http.maxJsonBodyBytes') });
  });

  it('takes bodies up to the limit, with a Content-Length or chunked', async () => {
    // JSON may be padded with spaces: a valid request of just under the limit.
    const body = Buffer.from(`{"label":"laptop"}${' '.repeat(limit - 100)}`);
    const sized = await within(10_000, 'the answer', rawRequest(http.port, keyRequest({ 'Content-Length': String(body.length) }), [body]));
    expect(sized.status).toBe(201);
    expect(JSON.parse(sized.body)).toMatchObject({ label: 'laptop', key: expect.any(String) });
    const chunked = await within(10_000, 'the answer', rawRequest(http.port, keyRequest({}), [body.subarray(0, 1000), body.subarray(1000)], { chunked: true }));
    expect(chunked.status).toBe(201);
  });

  it('is configurable: FAXENGINE_HTTP_MAX_JSON_BODY_BYTES, 64 KiB by default, applied to every route', async () => {
    expect(loadConfig({ cwd: h.dir, env: {} }).config.http.maxJsonBodyBytes).toBe(limit);
    expect(loadConfig({ cwd: h.dir, env: { FAXENGINE_HTTP_MAX_JSON_BODY_BYTES: '1KB' } }).config.http.maxJsonBodyBytes).toBe(1024);
    const app = createApp({ eventStore: h.eventStore, logger: pino({ level: 'silent' }), version: 'test', maxJsonBodyBytes: 1024 });
    // Even a route that does not exist: nothing reads a body past the limit.
    const res = await app.request('/v1/tenants', { method: 'POST', body: 'x'.repeat(2048), headers: { 'content-type': 'application/json', 'content-length': '2048' } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as Json).detail).toContain('1024 bytes');
  });
});
