import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCrashRestartHarness, until } from '../support/crashRestartHarness.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../support/submissionFixtures.js';
import { makeTempDir } from '../support/tempDir.js';

const BUSY = '15550000011'; // always busy until the restart: retried every second
const RINGING = '15550000012'; // rings until the originate times out (60 s × TIME_SCALE = 12 s): longer than the drain limit
const TIME_SCALE = 0.2;

describe('SIGTERM while sending: the draining faxengine places no new call', () => {
  let harness: Awaited<ReturnType<typeof startCrashRestartHarness>> | undefined;
  const fixtures = makeTempDir('send-drain-docs');
  let docs: SubmissionDocuments;
  beforeAll(async () => {
    docs = await makeSubmissionDocuments(fixtures.path);
  });
  afterAll(() => fixtures.remove());
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('keeps retries and ringing attempts for the next start, records the call cut at the limit as not answered, and goes on after the restart', async () => {
    const h = (harness = await startCrashRestartHarness({
      scenario: {
        gateways: { carrier1: { ip: '10.1.1.1' } },
        stations: { [BUSY]: { outcome: 'USER_BUSY', ringSeconds: 1 }, [RINGING]: { ringSeconds: 1200 } },
      },
      timeScale: TIME_SCALE,
      env: {
        FAXENGINE_FAX_DRAIN_TIMEOUT_MS: '4000',
        FAXENGINE_SEND_MAX_ATTEMPTS: '10',
        FAXENGINE_SEND_BUSY_RETRY_DELAY_MS: '1000',
        FAXENGINE_SEND_NO_ANSWER_RETRY_DELAY_MS: '1000',
      },
    }));
    const { user } = await h.provision();
    const ids = { busy: await h.submit(user, BUSY, docs.pdf), ringing: await h.submit(user, RINGING, docs.pdf) };
    const started = async () => [...(await h.history(ids.busy)), ...(await h.history(ids.ringing))].filter((event) => event.type === 'FaxSendAttemptStarted');

    await until('the busy fax waiting to retry', async () => (await h.types(ids.busy)).includes('FaxRetryScheduled'));
    await until('the ringing fax in its call', async () => (await h.types(ids.ringing)).includes('FaxSendAttemptStarted'));

    const first = h.process();
    first.child.kill('SIGTERM');
    const shutdownAt = (JSON.parse(await first.waitForLine((line) => line.includes('"msg":"shutting down"'))) as { time: number }).time;
    expect(await first.exited).toBe(0);

    // The drain lasted its full limit (the ringing call), and yet nothing new was dialled during it.
    expect((await started()).filter((event) => Date.parse(event.created) > shutdownAt)).toEqual([]);
    expect(h.dialled()).toHaveLength((await started()).length);
    expect(h.dialled(RINGING)).toHaveLength(1);

    // The busy fax waits for the next start.
    const busyBefore = await h.types(ids.busy);
    expect(busyBefore.at(-1)).toBe('FaxRetryScheduled');
    expect(busyBefore).not.toContain('FaxFailed');
    // The call still ringing at the limit was hung up, and its attempt recorded as the unanswered one it was.
    const ringingBefore = await h.history(ids.ringing);
    expect(ringingBefore.map((event) => event.type).slice(-2)).toEqual(['FaxSendAttemptFailed', 'FaxRetryScheduled']);
    expect(ringingBefore.at(-2)!.data).toMatchObject({ answered: false, outcomeClass: 'noAnswer', hangupCause: 'NO_ANSWER', pagesSent: 0 });
    expect(first.stdout()).toContain('drain limit reached');
    expect(ringingBefore.map((event) => event.type)).not.toContain('FaxFailed');
    await until('no call left at the simulator', async () => h.sim.channels().length === 0, 10_000);

    // After the restart both lines answer: each fax continues where it was and is sent once.
    h.sim.setStation(BUSY, { ringSeconds: 1 });
    h.sim.setStation(RINGING, { ringSeconds: 1 });
    const dialledBefore = h.dialled().length;
    await h.restart();
    await until('both faxes sent', async () => (await h.types(ids.busy)).includes('FaxSent') && (await h.types(ids.ringing)).includes('FaxSent'), 60_000);
    expect(h.dialled()).toHaveLength(dialledBefore + 2);
    for (const faxId of Object.values(ids)) {
      expect(await h.types(faxId)).not.toContain('FaxSendAttemptInterrupted');
      expect(await h.call('GET', `/v1/faxes/${faxId}`)).toMatchObject({ status: 'sent', outbound: { maybeSent: false } });
    }
  }, 120_000);
});
