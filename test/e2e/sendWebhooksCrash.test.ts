import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCrashRestartHarness, until } from '../support/crashRestartHarness.js';
import { newWebhookSecret } from '../support/notifierScenario.js';
import { allOutboundEvents, delivered } from '../support/outboundWebhooks.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../support/submissionFixtures.js';
import { makeTempDir } from '../support/tempDir.js';
import { startWebhookReceiver } from '../support/webhookReceiver.js';

// Rings 1 s, then 7 pages at 2,400 bit/s (~25 s at this scale): the call outlasts the kill and the restart.
const REMOTE = '15550000021';
const TIME_SCALE = 0.05;

describe('status webhooks of a sent fax across a SIGKILL of faxengine mid-call', () => {
  const fixtures = makeTempDir('send-webhooks-crash-docs');
  let docs: SubmissionDocuments;
  let harness: Awaited<ReturnType<typeof startCrashRestartHarness>> | undefined;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  beforeAll(async () => {
    docs = await makeSubmissionDocuments(fixtures.path);
  });
  afterAll(() => fixtures.remove());
  afterEach(async () => {
    await harness?.close();
    await receiver?.close();
    harness = receiver = undefined;
  });

  it('each step reaches the receiver exactly once, in order: those before the kill are not sent again, fax.sent comes after the restart', async () => {
    harness = await startCrashRestartHarness({ timeScale: TIME_SCALE, scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { [REMOTE]: { ringSeconds: 20, rate: 2400 } } } });
    const h = harness;
    const secret = newWebhookSecret();
    receiver = await startWebhookReceiver(secret);
    const { tenantId, user } = await h.provision();
    await h.call('POST', `/v1/tenants/${tenantId}/endpoints`, { target: { kind: 'webhook', url: receiver.url, secret, style: 'json', events: allOutboundEvents } });
    const faxId = await h.submit(user, REMOTE, docs.longPdf);

    const sentNotifications = async () => (await h.history(faxId)).filter((event) => event.type === 'NotificationSent').map((event) => (event.data as { sourceType: string }).sourceType);
    // Mid-call, with the steps so far delivered and recorded as such.
    await until('the call answered and the first three steps recorded as sent', async () => {
      const types = await h.types(faxId);
      return types.includes('FaxCallAnswered') && (await sentNotifications()).length === 3;
    }, 60_000);
    expect(await h.types(faxId)).not.toContain('FaxSent');
    await h.kill();
    await h.restart();

    await until('fax.sent recorded', async () => (await sentNotifications()).includes('FaxSent'), 90_000);
    expect((await h.call('GET', `/v1/faxes/${faxId}`)).status).toBe('sent');
    const got = delivered(receiver.received);
    expect(got.map((item) => item.type)).toEqual(['fax.queued', 'fax.converted', 'fax.attempt.started', 'fax.sent']);
    expect(got.every((item) => item.verified)).toBe(true);
    expect(new Set(got.map((item) => item.id)).size).toBe(4);
    expect((await sentNotifications()).sort()).toEqual(['FaxDocumentPrepared', 'FaxQueued', 'FaxSendAttemptStarted', 'FaxSent']);
    expect(h.delivered.get(REMOTE)).toBe(1);
  }, 180_000);
});
