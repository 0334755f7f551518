import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerWithSimulator } from '../../support/serverHarness.js';

type Server = Awaited<ReturnType<typeof startServerWithSimulator>>;

/** A GET with exactly the headers given (fetch would add and undo its own gzip). */
function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('/docs: the API reference, served offline by faxengine itself', () => {
  let env: Server;
  let base: string;
  let html: string;
  let pageHeaders: Headers;
  beforeAll(async () => {
    env = await startServerWithSimulator();
    base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    pageHeaders = page.headers;
    html = await page.text();
  }, 120_000);
  afterAll(async () => {
    await env?.close();
  });

  it('is HTML whose every URL stays on this server, under a policy that keeps it there', () => {
    expect(pageHeaders.get('content-type')).toMatch(/^text\/html/);
    const absolute = [...html.matchAll(/(?:https?:)?\/\/[^\s"'<>)]+/g)].map((match) => match[0]);
    expect(absolute.filter((url) => !url.startsWith(base))).toEqual([]);
    const policy = pageHeaders.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("default-src 'none'");
    // No inline script: the policy allows none.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('serves every file the page references, with its content type, cacheable and compressed', async () => {
    const references = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThanOrEqual(1);
    expect(references).toContain('/openapi.json');
    for (const path of references) {
      expect(path, path).toMatch(/^\/[^/]/);
      const response = await rawGet(base, path, { 'accept-encoding': 'gzip' });
      expect(response.status, path).toBe(200);
      if (path === '/openapi.json') {
        expect(response.headers['content-type'], path).toMatch(/^application\/json/);
        continue;
      }
      expect(path).toMatch(/^\/docs\/assets\//);
      expect(response.headers['content-type'], path).toBe('text/javascript; charset=utf-8');
      expect(response.headers['cache-control'], path).toMatch(/max-age=\d{4,}/);
      expect(response.headers['content-encoding'], path).toBe('gzip');
      const plain = await rawGet(base, path);
      expect(plain.headers['content-encoding'], path).toBeUndefined();
      expect(gunzipSync(response.body).equals(plain.body), path).toBe(true);
    }
    const bundle = (await rawGet(base, scripts[0]!)).body.toString();
    expect(bundle).toContain('@scalar/api-reference');
    expect(bundle).toContain('createApiReference');
    expect((await rawGet(base, '/docs/assets/nothing-here.js')).status).toBe(404);
  });

  it("points Scalar at this server's document, with no web fonts, Scalar services or AI agent", () => {
    const mount = /<div id="api-reference"([^>]*)>/.exec(html)?.[1] ?? '';
    expect(mount).toContain('data-url="/openapi.json"');
    const options = JSON.parse(/data-configuration="([^"]*)"/.exec(mount)?.[1]?.replaceAll('&#34;', '"') ?? '{}') as Record<string, unknown>;
    expect(options).toMatchObject({ withDefaultFonts: false, showDeveloperTools: 'never', agent: { disabled: true } });
  });

  it('lists every operation of the OpenAPI document without JavaScript', async () => {
    const noscript = /<noscript>([\s\S]*?)<\/noscript>/.exec(html)?.[1] ?? '';
    const listed = [...noscript.matchAll(/<code>([A-Z]+) ([^<]+)<\/code>/g)].map((match) => `${match[1]} ${match[2]}`);
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.length).toBeGreaterThan(20);
    expect(listed.sort()).toEqual(operations.sort());
    expect(listed).toContain('POST /v1/faxes');
    expect(listed).toContain('GET /v1/faxes/{id}/events');
    expect(noscript).toContain('href="/openapi.json"');
  });

  it('is where the server address leads', async () => {
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/docs');
  });
});
