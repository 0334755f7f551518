import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCrashRestartHarness, until } from '../support/crashRestartHarness.js';
import { makeSubmissionDocuments, type SubmissionDocuments } from '../support/submissionFixtures.js';
import { makeTempDir } from '../support/tempDir.js';

// Remote stations (digits as dialled).
const D1 = '15550000011'; // answers after faxengine died and takes the whole fax before it restarts
const D2 = '15550000012'; // answers after faxengine died; still sending when it restarts
// Simulated durations × 0.05: D1 rings 2 s and its 2 pages take ~2 s; D2 rings 3 s, then 7 pages at 2,400 bit/s (~25 s),
// which outlasts D1, the kill and the restart with room to spare on a busy machine.
const TIME_SCALE = 0.05;

describe('faxengine SIGKILLed while an attempt is dialling (#15 defect 2)', () => {
  const fixtures = makeTempDir('send-crash-docs');
  let docs: SubmissionDocuments;
  let harness: Awaited<ReturnType<typeof startCrashRestartHarness>> | undefined;
  beforeAll(async () => {
    docs = await makeSubmissionDocuments(fixtures.path);
  });
  afterAll(() => fixtures.remove());
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('the remote gets each fax exactly once and the fax is sent, whether its call ended while faxengine was down or is still up', async () => {
    harness = await startCrashRestartHarness({
      timeScale: TIME_SCALE,
      scenario: { gateways: { carrier1: { ip: '10.1.1.1' } }, stations: { [D1]: { ringSeconds: 40 }, [D2]: { ringSeconds: 60, rate: 2400 } } },
      env: { FAXENGINE_SEND_FAILURE_RETRY_DELAY_MS: '1000', FAXENGINE_SEND_NO_ANSWER_RETRY_DELAY_MS: '1000' },
    });
    const h = harness;
    const { user } = await h.provision();
    const ids = { D1: await h.submit(user, D1, docs.pdf), D2: await h.submit(user, D2, docs.longPdf) };

    // Both calls are ringing: their attempts are stored, nobody has answered yet.
    await until('both attempts dialling', async () => (await h.types(ids.D1)).includes('FaxSendAttemptStarted') && (await h.types(ids.D2)).includes('FaxSendAttemptStarted'));
    const ringing = () => h.sim.channels().filter((channel) => channel.direction === 'outbound' && channel.answerState === 'ringing');
    await until('both calls ringing', () => ringing().length === 2);
    expect([...(await h.types(ids.D1)), ...(await h.types(ids.D2))]).not.toContain('FaxCallAnswered');
    await h.kill();

    // While faxengine is down: D1 answers and takes the whole fax; D2 answers and is mid-fax.
    const channelOf = (faxId: string) => h.sim.channels().find((channel) => channel.variables.faxengine_fax_id === faxId);
    const d2Call = channelOf(ids.D2)!.uuid;
    await until('D1 received the fax and hung up', () => h.delivered.get(D1) === 1 && channelOf(ids.D1) === undefined);
    await until('D2 answered', () => h.sim.channels().find((channel) => channel.uuid === d2Call)?.answerState === 'answered');

    await h.restart();
    // D2's call must still be up when the new server asks about it, or half of this test proves nothing.
    expect(h.sim.channels().some((channel) => channel.uuid === d2Call)).toBe(true);

    const ended = async (faxId: string) => (await h.call('GET', `/v1/faxes/${faxId}`)).ended === true;
    await until('both faxes ended', async () => (await ended(ids.D1)) && (await ended(ids.D2)), 60_000);
    for (const [name, number, pages] of [['D2', D2, 7], ['D1', D1, 2]] as const) {
      const view = await h.call('GET', `/v1/faxes/${ids[name]}`);
      expect(view, name).toMatchObject({ status: 'sent', pages, outbound: { attempts: 1, maybeSent: false } });
      expect(h.delivered.get(number), `${name}: transmissions the remote received`).toBe(1);
      expect(h.dialled(number), `${name}: originates`).toHaveLength(1);
      const types = await h.types(ids[name]);
      expect(types.filter((type) => type === 'FaxSendAttemptStarted')).toHaveLength(1);
      expect(types).not.toContain('FaxSendAttemptFailed');
      expect(types.filter((type) => type === 'FaxCallAnswered')).toHaveLength(1);
      expect(types.at(-1)).toBe('FaxSent');
    }
    // The outcome records FreeSWITCH kept for the restarted faxengine are deleted once stored.
    await until('outcome records deleted', () => h.sim.context.db.api('count/faxengine_outcome') === '0', 30_000);
    await h.sim.waitForCalls(10_000);
  }, 120_000);
});
