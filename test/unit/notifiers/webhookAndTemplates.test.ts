import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { maskConfig } from '../../../src/config/maskConfig.js';
import { createDocumentLinks } from '../../../src/notifiers/documentLinks.js';
import { renderTemplate, createTemplates, templateVariables } from '../../../src/notifiers/templates.js';
import { signWebhook, verifyWebhook } from '../../../src/notifiers/webhookSignature.js';

describe('Standard Webhooks signatures', () => {
  it('matches the specification’s test vector (whsec_ secrets are base64 keys)', () => {
    expect(signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('verifies with the documented recipe: any v1 entry, constant time, a 5-minute window', () => {
    const secret = 'a plain-text secret of the endpoint';
    const signature = signWebhook(secret, 'n1', 1_700_000_000, '{"a":1}');
    const headers = { id: 'n1', timestamp: '1700000000', signature: `v1,bm90IHRoaXMgb25l ${signature}` };
    expect(verifyWebhook(secret, headers, '{"a":1}', 1_700_000_100)).toBe(true);
    expect(verifyWebhook(secret, headers, '{"a":2}', 1_700_000_100)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, id: 'n2' }, '{"a":1}', 1_700_000_100)).toBe(false);
    expect(verifyWebhook(secret, headers, '{"a":1}', 1_700_000_400)).toBe(false);
    expect(verifyWebhook('another secret', headers, '{"a":1}', 1_700_000_100)).toBe(false);
  });
});

describe('signed document links', () => {
  const links = createDocumentLinks({ key: Buffer.from('k'.repeat(32)), baseUrl: () => 'https://fax.example/', ttlMs: 60_000 });
  const now = new Date('2026-01-02T03:04:05.000Z');

  it('work until they expire, for that fax only', () => {
    const { url, expiresAt } = links.linkFor('f1', now);
    expect(expiresAt).toBe('2026-01-02T03:05:05.000Z');
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe('https://fax.example/v1/documents/f1');
    const [expires, signature] = [parsed.searchParams.get('expires')!, parsed.searchParams.get('signature')!];
    expect(links.verify('f1', expires, signature, now)).toBe(true);
    expect(links.verify('f2', expires, signature, now)).toBe(false);
    expect(links.verify('f1', String(Number(expires) + 60), signature, now)).toBe(false);
    expect(links.verify('f1', expires, signature, new Date('2026-01-02T03:05:06.000Z'))).toBe(false);
  });
});

describe('templates', () => {
  const summary = {
    faxId: 'f1',
    tenantId: 't1',
    direction: 'inbound' as const,
    status: 'failed' as const,
    from: '5550001111',
    fromName: null,
    to: '+15551230000',
    pages: 2,
    partial: true,
    result: 'Disconnected (call_dropped)',
    remoteIdent: null,
    time: '2026-01-02T03:04:05.000Z',
    documentId: 'd1',
    attempts: null,
  };

  it('substitutes {{name}}, leaves unknown names visible, and says when a fax is partial', async () => {
    expect(renderTemplate('{{ from }} → {{to}} {{nope}}', { from: 'a', to: 'b' })).toBe('a → b {{nope}}');
    const { subject, body } = await createTemplates(undefined).render('received', templateVariables(summary, true));
    expect(subject).toBe('Fax from 5550001111 to +15551230000 (2 pages) (partial)');
    expect(body).toContain('Time:    2026-01-02 03:04:05 UTC');
    expect(body).toContain('this fax is incomplete');
    expect(body).toContain('The fax is attached as a PDF.');
    expect(body).not.toMatch(/\n\n\n/);
  });
});

describe('notification configuration', () => {
  it('reads durations, lists of durations and SMTP settings from the environment, and masks secrets', () => {
    const { config } = loadConfig({
      cwd: '/tmp',
      env: {
        FAXENGINE_NOTIFICATIONS_RETRY_SCHEDULE: '500ms, 5s,2m,1h',
        FAXENGINE_NOTIFICATIONS_DOCUMENT_LINK_TTL: '2d',
        FAXENGINE_NOTIFICATIONS_LINK_SIGNING_KEY: 'x'.repeat(40),
        FAXENGINE_SMTP_URL: 'smtps://mailer:hunter2-secret@mail.example:465',
        FAXENGINE_SMTP_PASSWORD: 'other-secret',
        FAXENGINE_SMTP_REQUIRE_TLS: 'yes',
      },
    });
    expect(config.notifications.retrySchedule).toEqual([500, 5_000, 120_000, 3_600_000]);
    expect(config.notifications.documentLinkTtl).toBe(172_800_000);
    expect(config.smtp).toMatchObject({ requireTls: true, port: 587, secure: false });
    const text = JSON.stringify(maskConfig(config));
    for (const secret of ['hunter2-secret', 'other-secret', 'x'.repeat(40)]) expect(text).not.toContain(secret);
    expect(() => loadConfig({ cwd: '/tmp', env: { FAXENGINE_NOTIFICATIONS_RETRY_SCHEDULE: '5 parsecs' } })).toThrow(/notifications\.retrySchedule.*FAXENGINE_NOTIFICATIONS_RETRY_SCHEDULE/);
  });

  it('defaults to 5 s … 6 h and no SMTP server', () => {
    const { config } = loadConfig({ cwd: '/tmp', env: {} });
    expect(config.notifications.retrySchedule).toEqual([5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000]);
    expect(config.smtp.host).toBeUndefined();
    expect(config.smtp.url).toBeUndefined();
  });
});
