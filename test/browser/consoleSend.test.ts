import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { okJson } from '../support/e2eProvisioning.js';
import { startServerWithSimulator, testAdminKey } from '../support/serverHarness.js';
import { makeSubmissionDocuments } from '../support/submissionFixtures.js';
import { launchChromium, screenshot, seriousAxeViolations, signInOnPage } from './browserHarness.js';

// The simulator runs at 1/20 of real time: the slow station rings 2 s and takes ~0.6 s a page,
// long enough to open the fax page while the call is still being set up and follow it live.
const slowStation = '15550003333';
const busyStation = '15550000002';
const scenario = {
  gateways: { carrier1: { ip: '10.1.1.1' } },
  stations: { [slowStation]: { ringSeconds: 40, ident: 'FAR END' }, [busyStation]: { outcome: 'USER_BUSY', ringSeconds: 0 } },
};
const acmePassword = 'acme long password';
const maxFileBytes = 300_000;

type Global = { notReloaded?: boolean; document: { activeElement: { id: string } } };

describe('sending from the console in a real browser (chromium, server + simulator)', () => {
  let env: Awaited<ReturnType<typeof startServerWithSimulator>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let files: { pdf: string; text: string; big: string; medium: string };
  let otherFax: string;

  async function signIn(target: Page, username: string, password: string) {
    await signInOnPage(target, base, username, password, `${base}/inbox`);
  }

  async function expectAccessible(target: Page) {
    expect(await seriousAxeViolations(target)).toEqual([]);
  }

  const status = () => page.locator('#progress-status').textContent();
  const faxIdOf = (url: string) => /\/faxes\/([^/?]+)$/.exec(new URL(url).pathname)![1]!;

  /** Fills the send form and submits it; answers once the browser has the next page. */
  async function send(to: string, documents: string[]) {
    await page.goto(`${base}/send`);
    await page.getByLabel('To').fill(to);
    if (documents.length > 0) await page.getByLabel('Documents').setInputFiles(documents);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForLoadState('load');
  }

  beforeAll(async () => {
    env = await startServerWithSimulator({ scenario, timeScale: 0.05, env: { FAXENGINE_SEND_BUSY_RETRY_DELAY_MS: '600000', FAXENGINE_SUBMISSION_MAX_FILE_BYTES: String(maxFileBytes) } });
    base = `http://127.0.0.1:${env.server.httpAddress.port}`;
    const acme = await okJson(await env.call('POST', '/v1/tenants', { name: 'Acme' }));
    const other = await okJson(await env.call('POST', '/v1/tenants', { name: 'Other' }));
    await okJson(await env.call('POST', `/v1/tenants/${acme.id}/numbers`, { number: '5551230000', stationIdent: 'ACME FAX' }));
    await okJson(await env.call('POST', `/v1/tenants/${acme.id}/numbers`, { number: '5551239999', direction: 'inbound' }));
    await okJson(await env.call('POST', `/v1/tenants/${other.id}/numbers`, { number: '5559870000' }));
    await okJson(await env.call('POST', '/v1/endpoints', { target: { kind: 'gateway', gateway: 'carrier1', sourceIps: ['10.1.1.1'], role: 'upstream' }, priority: 0 }));
    await okJson(await env.call('POST', `/v1/tenants/${acme.id}/users`, { username: 'acme', password: acmePassword }));

    const documents = await makeSubmissionDocuments(env.dataDir);
    files = { pdf: join(env.dataDir, 'two pages.pdf'), text: join(env.dataDir, 'notes.txt'), big: join(env.dataDir, 'big.pdf'), medium: join(env.dataDir, 'medium.pdf') };
    await writeFile(files.pdf, documents.pdf);
    await writeFile(files.text, 'not a fax document\n');
    await writeFile(files.big, Buffer.concat([Buffer.from(documents.pdf), Buffer.alloc(maxFileBytes + 100_000, 0x20)]));
    await writeFile(files.medium, Buffer.concat([Buffer.from(documents.pdf), Buffer.alloc(200_000, 0x20)]));

    // Another tenant's outbound fax, sent through the API.
    const form = new FormData();
    form.set('to', busyStation);
    form.set('from', '5559870000');
    form.append('file', new Blob([documents.png], { type: 'image/png' }), 'logo.png');
    const sent = await fetch(`${base}/v1/faxes`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`admin:${testAdminKey}`).toString('base64')}` }, body: form });
    otherFax = String((await okJson(sent)).id);

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
    await signIn(page, 'acme', acmePassword);
  }, 90_000);

  let closed = false;
  afterAll(async () => {
    await browser?.close();
    if (!closed) await env?.close();
  });

  it("offers the tenant's sending numbers only, with the API's options, and passes axe", async () => {
    await page.goto(`${base}/send`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Send a fax');
    const from = page.getByLabel('From');
    // The inbound-only number and the other tenant's are not offered.
    expect(await from.locator('option').allTextContents()).toEqual(['+15551230000']);
    expect(await page.getByLabel('Resolution').locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value))).toEqual(['fine', 'standard']);
    expect(await page.getByLabel('Page size').locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value))).toEqual(['', 'a4', 'letter']);
    for (const label of ['Page header', 'Station ident']) expect(await page.getByLabel(label).count()).toBe(1);
    expect(await page.getByLabel('Documents').getAttribute('multiple')).not.toBeNull();
    // The drop zone is switched on by the script; dropped files join the chosen ones.
    await expect.poll(() => page.locator('[data-dropzone].droppable').count()).toBe(1);
    // In the page (this file is type-checked without the DOM library, hence the casts).
    const dropped = await page.evaluateHandle(() => {
      const transfer = new (globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): void } } }).DataTransfer();
      transfer.items.add(new File(['%PDF-1.4'], 'dropped.pdf', { type: 'application/pdf' }));
      return transfer;
    });
    await page.locator('[data-dropzone]').dispatchEvent('drop', { dataTransfer: dropped });
    expect(await page.locator('.chosen-files li').allTextContents()).toEqual(['dropped.pdf (8 bytes)']);
    expect(await page.getByLabel('Documents').evaluate((input) => (input as unknown as { files: { length: number } }).files.length)).toBe(1);
    await expectAccessible(page);
    await screenshot(page, 'console-send');
  });

  it('sends a 2-page PDF and follows its progress live until "sent", with 2 thumbnails', async () => {
    await page.goto(`${base}/send`);
    await page.getByLabel('To').fill('(555) 000-3333');
    await page.getByLabel('Documents').setInputFiles(files.pdf);
    expect(await page.locator('.chosen-files li').allTextContents()).toEqual([expect.stringContaining('two pages.pdf')]);
    await page.getByLabel('Page header').fill('Acme front desk');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(/\/faxes\/[^/]+$/);
    await page.evaluate(() => ((globalThis as unknown as Global).notReloaded = true));
    const faxId = faxIdOf(page.url());

    // The page opened while the station was still ringing: what follows arrives over SSE.
    expect(await status()).not.toMatch(/^Sent/);
    expect(await page.locator('[data-step=converted]').textContent()).toContain('2 pages');
    await expect.poll(status, { timeout: 30_000 }).toMatch(/Dialling \(attempt 1\): \+15550003333 via gateway carrier1/);
    await expect.poll(status, { timeout: 60_000 }).toBe('Sent: 2 pages in 1 attempt.');
    expect(await page.evaluate(() => (globalThis as unknown as Global).notReloaded)).toBe(true);
    expect(await page.locator('#progress-status').getAttribute('aria-live')).toBe('polite');
    expect(await page.locator('[data-step=pages]').textContent()).toContain('Page 2 of 2');
    expect(await page.locator('[data-step=answered]').textContent()).toContain('bit/s');
    // The summary and the timeline follow too.
    await expect.poll(() => page.locator('dl.summary').textContent()).toContain('Sent');
    expect(await page.locator('dl.summary').textContent()).toContain('FAR END');
    await expect.poll(() => page.locator('#timeline li[data-event=FaxPageTransferred]').count()).toBe(2);
    expect(await page.locator('#timeline li[data-event=FaxSent]').count()).toBe(1);
    // Finished: cancel is gone, resend is offered.
    expect(await page.getByRole('button', { name: /Cancel/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Resend/ }).count()).toBe(1);
    const thumbnails = page.locator('ol.pages img');
    expect(await thumbnails.count()).toBe(2);
    await expect.poll(async () => (await thumbnails.evaluateAll((images) => images.map((image) => (image as unknown as { naturalWidth: number }).naturalWidth))).every((width) => width > 150), { timeout: 30_000 }).toBe(true);
    await expectAccessible(page);
    await screenshot(page, 'console-send-progress');

    // The same submission as the API's: its events say who sent it and with which options.
    const { items } = (await (await env.call('GET', `/v1/faxes/${faxId}/events`)).json()) as { items: Array<{ type: string; data: Record<string, unknown> }> };
    const queued = items.find((event) => event.type === 'FaxQueued')!.data;
    expect(queued).toMatchObject({ from: '+15551230000', to: '+15550003333', headerText: 'Acme front desk', resolution: 'fine', submittedBy: { kind: 'user', username: 'acme' } });
  }, 120_000);

  it('shows "retry at …" with the cause in words for a busy line, and cancels the waiting fax', async () => {
    await send('555-000-0002', [files.pdf]);
    const faxId = faxIdOf(page.url());
    await expect.poll(status, { timeout: 30_000 }).toMatch(/^Retry at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC because the line was busy \(USER_BUSY, SIP 486\)\.$/);
    await expectAccessible(page);
    await screenshot(page, 'console-send-retry');

    expect(await page.getByRole('button', { name: /Resend/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel this fax' }).click();
    await page.waitForURL(`${base}/faxes/${faxId}`);
    await expect.poll(status, { timeout: 20_000 }).toBe('Cancelled by acme.');
    expect(await page.locator('#timeline li[data-event=FaxCancelled]').count()).toBe(1);
    expect(await page.getByRole('button', { name: /Cancel/ }).count()).toBe(0);
    const fax = await okJson(await env.call('GET', `/v1/faxes/${faxId}`));
    expect(fax.status).toBe('cancelled');
    await expectAccessible(page);
  }, 90_000);

  it('resends a fax: a new fax with the same document, from, to and options', async () => {
    const sent = ((await (await env.call('GET', '/v1/faxes?direction=outbound&status=sent')).json()) as { items: Array<Record<string, unknown>> }).items;
    expect(sent).toHaveLength(1);
    const original = sent[0]!;
    await page.goto(`${base}/faxes/${String(original.faxId)}`);
    await page.getByRole('button', { name: /Resend/ }).click();
    await page.waitForURL((url) => /\/faxes\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith(String(original.faxId)));
    const copyId = faxIdOf(page.url());
    const copy = await okJson(await env.call('GET', `/v1/faxes/${copyId}`));
    expect(copy).toMatchObject({ direction: 'outbound', from: original.from, to: original.to, documentId: original.documentId, pages: 2 });
    const events = (id: string) => env.call('GET', `/v1/faxes/${id}/events`).then(async (r) => ((await r.json()) as { items: Array<{ type: string; data: Record<string, unknown> }> }).items);
    const [before, after] = [(await events(String(original.faxId)))[0]!.data, (await events(copyId))[0]!.data];
    for (const key of ['from', 'to', 'headerText', 'stationIdent', 'resolution', 'pageSize', 'files']) expect(after[key]).toEqual(before[key]);
    expect(after.submittedBy).toMatchObject({ kind: 'user', username: 'acme' });
    const copies = ((await (await env.call('GET', '/v1/faxes?direction=outbound')).json()) as { items: Array<Record<string, unknown>> }).items.filter((fax) => fax.documentId === original.documentId && fax.to === original.to && fax.faxId !== original.faxId);
    expect(copies.map((fax) => fax.faxId)).toEqual([copyId]);
    // It goes its own way, live, as any sent fax.
    await expect.poll(status, { timeout: 60_000 }).toBe('Sent: 2 pages in 1 attempt.');
  }, 90_000);

  it('re-shows the form naming the field for bad input, keeping what was typed', async () => {
    // No document.
    await page.goto(`${base}/send`);
    await page.getByLabel('To').fill('555 000 3333');
    await page.getByLabel('Station ident').fill('ACME 2');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForLoadState('load');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Documents: choose at least one document');
    expect(await page.getByLabel('To').inputValue()).toBe('555 000 3333');
    expect(await page.getByLabel('Station ident').inputValue()).toBe('ACME 2');
    expect(await page.getByLabel('Documents').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page);
    await screenshot(page, 'console-send-error');

    // A bad destination, named by the server.
    await send('not a number', [files.pdf]);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('To: "not a number" is not a phone number');
    expect(await page.getByLabel('To').inputValue()).toBe('not a number');

    // An unsupported type: the page's script stops it before the upload…
    await page.goto(`${base}/send`);
    await page.getByLabel('To').fill('5550003333');
    await page.getByLabel('Documents').setInputFiles(files.text);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('#send-status').textContent()).toContain('notes.txt: this kind of file cannot be faxed');
    expect(new URL(page.url()).pathname).toBe('/send');
    // …and the server refuses it the same way without the script (a form post the script cannot see).
    const refused = await postForm(page, { to: '5550003333', from: '+15551230000', resolution: 'fine' }, { name: 'notes.txt', type: 'text/plain', text: 'not a fax document' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('notes.txt: this kind of file cannot be faxed');
    expect(refused.text).toContain('value="5550003333"');
    // A From that is not the tenant's (another tenant's number) is named as such, and nothing is sent.
    const foreignFrom = await postForm(page, { to: '5550003333', from: '+15559870000', resolution: 'fine' }, { name: 'a.png', type: 'image/png', text: 'x' });
    expect(foreignFrom.status).toBe(403);
    expect(foreignFrom.text).toMatch(/From: \+15559870000 is not a number of tenant \d+/);
  }, 60_000);

  it('refuses a file over the limit with a 413 page naming the limit', async () => {
    await page.goto(`${base}/send`);
    const response = await postForm(page, { to: '5550003333', from: '+15551230000', resolution: 'fine' }, { name: 'big.pdf', type: 'application/pdf', size: maxFileBytes + 100_000 });
    expect(response.status).toBe(413);
    expect(response.text).toContain(`big.pdf is more than ${maxFileBytes} bytes`);
    expect(response.text).toContain('at most 293 KB (submission.maxFileBytes)');
    // Through the form itself in a browser without the script (which would stop the file first): the browser shows the page.
    const plain = await browser.newContext({ javaScriptEnabled: false });
    const noScript = await plain.newPage();
    await signIn(noScript, 'acme', acmePassword);
    await noScript.goto(`${base}/send`);
    await noScript.getByLabel('To').fill('5550003333');
    await noScript.getByLabel('Documents').setInputFiles(files.big);
    const [answer] = await Promise.all([noScript.waitForResponse((r) => r.url() === `${base}/send` && r.request().method() === 'POST'), noScript.getByRole('button', { name: 'Send' }).click()]);
    expect(answer.status()).toBe(413);
    await expect.poll(() => noScript.getByRole('heading', { level: 1 }).textContent()).toBe('Documents too large');
    expect(await noScript.getByRole('alert').textContent()).toContain('at most 293 KB (submission.maxFileBytes)');
    await screenshot(noScript, 'console-send-too-large');
    // axe needs scripts: the same page, in the other browser.
    await page.setContent(await noScript.content());
    await expectAccessible(page);
    await plain.close();
  }, 60_000);

  it('refuses the send form, cancel and resend without the CSRF token (403), and another tenant\'s fax (404)', async () => {
    await page.goto(`${base}/send`);
    const noToken = await postForm(page, { to: '5550003333', from: '+15551230000' }, { name: 'a.pdf', type: 'application/pdf', text: '%PDF-1.4' }, false);
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain('no CSRF token');
    const ownFax = ((await (await env.call('GET', '/v1/faxes?direction=outbound&status=sent')).json()) as { items: Array<{ faxId: string }> }).items[0]!.faxId;
    for (const action of ['cancel', 'resend']) {
      const refused = await page.evaluate(async (path) => (await fetch(path, { method: 'POST', body: new URLSearchParams({}), redirect: 'manual' })).status, `/faxes/${ownFax}/${action}`);
      expect(refused).toBe(403);
      const csrf = await page.locator('input[name=csrf]').first().inputValue();
      const foreign = await page.evaluate(async ([path, token]) => (await fetch(path!, { method: 'POST', body: new URLSearchParams({ csrf: token! }), redirect: 'manual' })).status, [`/faxes/${otherFax}/${action}`, csrf]);
      expect(foreign).toBe(404);
    }
    expect((await page.request.get(`${base}/faxes/${otherFax}/live`, { headers: { accept: 'text/event-stream' } })).status()).toBe(404);
    expect((await okJson(await env.call('GET', `/v1/faxes/${otherFax}`))).status).not.toBe('cancelled');
  }, 60_000);

  it("takes a document larger than the API's JSON body limit (64 KiB): the form streams to disk as the API's uploads do", async () => {
    await send('5550000002', [files.medium]);
    expect(new URL(page.url()).pathname).toMatch(/^\/faxes\/[^/]+$/);
    expect(await page.locator('[data-step=converted]').textContent()).toContain('2 pages');
  }, 60_000);

  it('sends one fax for a form sent twice (its idempotency key, as an API client\'s retry)', async () => {
    await page.goto(`${base}/send`);
    const field = (name: string) => page.locator(`[data-send-form] input[name=${name}]`).inputValue();
    const multipart = { csrf: await field('csrf'), idempotencyKey: await field('idempotencyKey'), from: '+15551230000', to: '5550000002', resolution: 'fine', file: { name: 'logo.pdf', mimeType: 'application/pdf', buffer: await readFile(files.pdf) } };
    const first = await page.request.post(`${base}/send`, { multipart, maxRedirects: 0 });
    const second = await page.request.post(`${base}/send`, { multipart, maxRedirects: 0 });
    expect([first.status(), second.status()]).toEqual([303, 303]);
    expect(first.headers().location).toMatch(/^\/faxes\/[^/]+$/);
    expect(second.headers().location).toBe(first.headers().location);
  }, 60_000);

  it('lets the admin choose among every tenant\'s numbers, grouped by tenant', async () => {
    const admin = await (await browser.newContext()).newPage();
    await signIn(admin, 'admin', testAdminKey);
    await admin.goto(`${base}/send`);
    expect(await admin.getByLabel('From').locator('optgroup').evaluateAll((groups) => groups.map((g) => (g as unknown as { label: string }).label))).toEqual([expect.stringContaining('Acme'), expect.stringContaining('Other')]);
    expect(await admin.getByLabel('From').locator('option').allTextContents()).toEqual(['Choose a number', '+15551230000', '+15559870000']);
    await expectAccessible(admin);
    await admin.context().close();
  }, 30_000);

  // Last: it shuts the server down.
  it("ends a fax's live stream when the server starts shutting down, so an open tab does not hold the drain up", async () => {
    const retrying = ((await (await env.call('GET', '/v1/faxes?direction=outbound&status=retrying')).json()) as { items: Array<{ faxId: string; from: string }> }).items;
    const waiting = retrying.find((fax) => fax.from === '+15551230000')!;
    const cookie = (await context.cookies()).find((c) => c.name === 'faxengine_session')!;
    const live = await fetch(`${base}/faxes/${waiting.faxId}/live`, { headers: { cookie: `faxengine_session=${cookie.value}`, accept: 'text/event-stream' } });
    expect(live.headers.get('content-type')).toContain('text/event-stream');
    const reader = live.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('event: progress');
    closed = true;
    const closing = env.close();
    // The stream ends (done) instead of being cut (an error) after the drain's grace period.
    let done = false;
    while (!done) done = (await reader.read()).done;
    await closing;
  }, 60_000);
});

/**
 * Posts the send form as multipart from inside the page (the session's cookie goes along), with
 * the page's CSRF token unless `withToken` is false; a file of `size` bytes or of `text`.
 */
async function postForm(page: Page, fields: Record<string, string>, file: { name: string; type: string; text?: string; size?: number }, withToken = true): Promise<{ status: number; text: string }> {
  return page.evaluate(
    async ({ fields, file, withToken }) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document;
      const form = new FormData();
      if (withToken) form.set('csrf', doc.querySelector('input[name=csrf]')!.value);
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      form.append('file', new Blob([file.size === undefined ? file.text ?? '' : new Uint8Array(file.size)], { type: file.type }), file.name);
      const response = await fetch('/send', { method: 'POST', body: form, redirect: 'manual' });
      return { status: response.status, text: await response.text() };
    },
    { fields, file, withToken },
  );
}
