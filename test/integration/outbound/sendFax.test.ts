import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startStationKnowledge } from '../../../src/reactors/stationLearning.js';
import { faxViewOf } from '../../support/faxViewOf.js';
import { startOutboundHarness } from '../../support/outboundHarness.js';
import { startStationReadModel } from '../../support/stationReadModel.js';

type Harness = Awaited<ReturnType<typeof startOutboundHarness>>;

describe('sending faxes against the simulator', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('sends a clean fax: one originate with a fresh uuid and the fax variables, pages, FaxSent', async () => {
    harness = await startOutboundHarness({ scenario: { gateways: { gw1: {} }, defaultStation: { t38: 'accept' } } });
    const faxId = await harness.queue({ to: '+15557654321', headerText: 'Acme, Inc.', stationIdent: '+1 555 123 0000' }, 3);
    const events = await harness.finished(faxId);
    expect(events.map((event) => event.type)).toEqual([
      'FaxQueued',
      'FaxDocumentPrepared',
      'FaxSendAttemptStarted',
      'FaxCallAnswered',
      ...events.filter((event) => event.type === 'FaxNegotiated').map(() => 'FaxNegotiated'),
      'FaxPageTransferred',
      'FaxPageTransferred',
      'FaxPageTransferred',
      'FaxSent',
    ]);
    const [originate] = harness.originates();
    const started = events.find((event) => event.type === 'FaxSendAttemptStarted')!.data as { callUuid: string };
    expect(originate!.command).toContain(`origination_uuid=${started.callUuid}`);
    expect(originate!.command).toContain('sofia/gateway/gw1/+15557654321 &txfax(');
    expect(events.at(-1)!.data).toMatchObject({ pages: 3, attempts: 1, gateway: 'gw1' });
  });

  it('page header, caller name and station ident reach the channel whole: commas, quotes, spaces, %, non-ASCII', async () => {
    harness = await startOutboundHarness({ scenario: { gateways: { gw1: {} } } });
    const header = `Acme Corp, Billing dept 50% — O'Brien "Ünïcødé" ☎`;
    const seen = new Map<string, Record<string, string | undefined>>();
    const context = harness.sim.context;
    // Watches the simulated FreeSWITCH's own channel, as its originate parser left it.
    context.hub.route(
      {
        deliver(event) {
          const channel = event.uniqueId === undefined ? undefined : context.channels.get(event.uniqueId);
          if (channel && event.name === 'CHANNEL_ANSWER') {
            seen.set(channel.uuid, { header: channel.getVar('fax_header'), ident: channel.getVar('fax_ident'), name: channel.getVar('origination_caller_id_name') });
          }
        },
      },
      undefined,
    );
    const faxId = await harness.queue({ to: '+15557654321', headerText: header, stationIdent: '+1 555, 123 0000', callerIdName: `Billing, "50%" Dépt` });
    const events = await harness.finished(faxId);
    expect(events.at(-1)!.type).toBe('FaxSent');
    const callUuid = (events.find((event) => event.type === 'FaxSendAttemptStarted')!.data as { callUuid: string }).callUuid;
    // Only the caller name's double quotes change: sofia would cut the SIP display name at them.
    expect(seen.get(callUuid)).toEqual({ header, ident: '+1 555, 123 0000', name: `Billing, '50%' Dépt` });
  });

  it('no answer on gateway A → gateway B at once, by priority', async () => {
    harness = await startOutboundHarness({ scenario: { gateways: { gwA: { state: 'down' }, gwB: {} } }, gateways: ['gwA', 'gwB'] });
    const faxId = await harness.queue({ to: '+15557654321' });
    const events = await harness.finished(faxId);
    const attempts = events.filter((event) => event.type === 'FaxSendAttemptStarted').map((event) => (event.data as { gateway: string }).gateway);
    expect(attempts).toEqual(['gwA', 'gwB']);
    expect(events.find((event) => event.type === 'FaxSendAttemptFailed')!.data).toMatchObject({ gateway: 'gwA', outcomeClass: 'gatewayFailure' });
    expect(events.at(-1)!.type).toBe('FaxSent');
  });

  it('busy, then success after the (1 s) busy delay on the same gateway', async () => {
    harness = await startOutboundHarness({ scenario: { gateways: { gw1: {} }, stations: { '+15550000001': { outcome: 'USER_BUSY', ringSeconds: 0 } } }, policy: { busyRetryDelayMs: 1000 } });
    const faxId = await harness.queue({ to: '+15550000001' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await harness.types(faxId)).toContain('FaxRetryScheduled');
    harness.sim.setStation('+15550000001', { outcome: 'answer' });
    const events = await harness.finished(faxId);
    const scheduled = events.find((event) => event.type === 'FaxRetryScheduled')!;
    const second = events.filter((event) => event.type === 'FaxSendAttemptStarted')[1]!;
    expect(Date.parse(second.created) - Date.parse((scheduled.data as { retryAt: string }).retryAt)).toBeGreaterThanOrEqual(-5);
    expect(events.at(-1)!.type).toBe('FaxSent');
  });

  it('a 480 that FreeSWITCH reports as NORMAL_CLEARING is no answer (retried after the no-answer delay), with the raw SIP values kept', async () => {
    harness = await startOutboundHarness({
      scenario: { gateways: { gw1: {} }, stations: { '+15550000010': { outcome: 'NORMAL_CLEARING', sipStatus: 480, ringSeconds: 0 } } },
      policy: { noAnswerRetryDelayMs: 1000, failureRetryDelayMs: 60_000 },
    });
    const faxId = await harness.queue({ to: '+15550000010' });
    const deadline = Date.now() + 15_000;
    while (!(await harness.types(faxId)).includes('FaxRetryScheduled')) {
      if (Date.now() > deadline) throw new Error(`no retry scheduled: ${(await harness.types(faxId)).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    harness.sim.setStation('+15550000010', { outcome: 'answer' });
    const events = await harness.finished(faxId);
    expect(events.find((event) => event.type === 'FaxSendAttemptFailed')!.data).toMatchObject({
      outcomeClass: 'noAnswer',
      reason: 'no answer (NORMAL_CLEARING, SIP 480)',
      answered: false,
      hangupCause: 'NORMAL_CLEARING',
      sipStatus: 480,
      sipDisposition: 'recv_refuse',
    });
    const failedAt = Date.parse(events.find((event) => event.type === 'FaxSendAttemptFailed')!.created);
    const retryAt = Date.parse((events.find((event) => event.type === 'FaxRetryScheduled')!.data as { retryAt: string }).retryAt);
    // The no-answer delay (1 s), not the generic one (60 s) an "unknown" outcome would get.
    expect(retryAt - failedAt).toBeLessThan(30_000);
    expect(events.at(-1)!.type).toBe('FaxSent');
  });

  it('all attempts failing → FaxFailed with every attempt’s reason', async () => {
    harness = await startOutboundHarness({ scenario: { gateways: { gw1: {} }, stations: { '+15550000002': { outcome: 'USER_BUSY', ringSeconds: 0 } } }, policy: { maxAttempts: 2, busyRetryDelayMs: 1000 } });
    const faxId = await harness.queue({ to: '+15550000002' });
    const events = await harness.finished(faxId);
    const failed = events.at(-1)!;
    expect(failed.type).toBe('FaxFailed');
    expect(failed.data).toMatchObject({ attempts: 2, reason: expect.stringMatching(/failed after 2 attempts: busy \(USER_BUSY\)/) });
    expect((failed.data as { attemptLog: unknown[] }).attemptLog).toHaveLength(2);
  });

  it('training failure → the next attempt goes with V.17 disabled', async () => {
    harness = await startOutboundHarness({
      scenario: { gateways: { gw1: {} }, stations: { '+15550000003': { t38: 'none', failure: { code: 48, negotiations: 1 } } } },
      policy: { failureRetryDelayMs: 1000 },
    });
    const faxId = await harness.queue({ to: '+15550000003' });
    await new Promise((resolve) => setTimeout(resolve, 600));
    harness.sim.setStation('+15550000003', { t38: 'none' });
    const events = await harness.finished(faxId);
    expect(events.find((event) => event.type === 'FaxSendAttemptFailed')!.data).toMatchObject({ outcomeClass: 'negotiationFailure' });
    const originates = harness.originates();
    expect(originates).toHaveLength(2);
    expect(originates[0]!.command).toContain('fax_disable_v17=false');
    expect(originates[1]!.command).toContain('fax_disable_v17=true');
    expect(events.at(-1)!.type).toBe('FaxSent');
  });

  it('T.38 trouble → the next attempt goes with T.38 off, and the station is recorded', async () => {
    harness = await startOutboundHarness({
      scenario: { gateways: { gw1: {} }, stations: { '+15550000007': { t38: 'accept', failure: { code: 48, negotiations: 2 } } } },
      policy: { failureRetryDelayMs: 1000 },
    });
    const readModel = await startStationReadModel(harness.eventStore, harness.dir.path, pino({ level: 'silent' }));
    const stations = await startStationKnowledge({
      eventStore: harness.eventStore,
      readModels: readModel.runner,
      policy: { troublesBeforeFallback: 1, cleanAudioFaxesBeforeRetry: 5 },
      toE164: (raw) => raw,
      logger: pino({ level: 'silent' }),
    });
    try {
      const faxId = await harness.queue({ to: '+15550000007' });
      await new Promise((resolve) => setTimeout(resolve, 600));
      harness.sim.setStation('+15550000007', { t38: 'accept' });
      const events = await harness.finished(faxId);
      expect(events.find((event) => event.type === 'FaxSendAttemptFailed')!.data).toMatchObject({ t38Trouble: true, t38Enabled: true });
      const [first, second] = harness.originates();
      expect(first!.command).toContain('fax_enable_t38=true');
      expect(second!.command).toContain('fax_enable_t38=false');
      expect(events.at(-1)!.type).toBe('FaxSent');
      await stations.settled('+15550000007', true);
      const lessons = (await harness.eventStore.readStream('station-+15550000007')).map((event) => event.type);
      expect(lessons).toEqual(expect.arrayContaining(['StationT38Trouble', 'StationFallbackEnabled']));
    } finally {
      await stations.stop();
      await readModel.close();
    }
  });

  it('cancel while queued never dials; cancel in a call hangs it up with uuid_kill', async () => {
    harness = await startOutboundHarness({ scenario: { gateways: { gw1: {} }, defaultStation: { ringSeconds: 100 } }, channels: 1, timeScale: 0.05 });
    const inCall = await harness.queue({ to: '+15550000004' });
    const waiting = await harness.queue({ to: '+15550000005' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await harness.runtime.cancel(waiting, { kind: 'admin' })).toBe('cancelled');
    expect(await harness.runtime.cancel(inCall, { kind: 'admin' })).toBe('cancelled');
    const waitingEvents = await harness.finished(waiting);
    const callEvents = await harness.finished(inCall);
    expect(waitingEvents.at(-1)!.data).toMatchObject({ during: 'queued' });
    expect(callEvents.at(-1)!).toMatchObject({ type: 'FaxCancelled', data: { during: 'call' } });
    expect(harness.originates()).toHaveLength(1);
    const api = harness.sim.connections().flatMap((connection) => harness!.sim.commandLog(connection.id)).map((entry) => entry.command);
    expect(api.some((command) => command.startsWith('api uuid_kill'))).toBe(true);
  });

  it('a cancel right after queueing, before the fax’s actor started, still cancels it', async () => {
    harness = await startOutboundHarness({ scenario: { gateways: { gw1: {} } } });
    const faxId = await harness.queue({ to: '+15550000009' });
    expect(await harness.runtime.cancel(faxId, { kind: 'admin' })).toBe('cancelled');
    const events = await harness.finished(faxId);
    expect(events.at(-1)!).toMatchObject({ type: 'FaxCancelled' });
    expect(harness.originates()).toHaveLength(0);
  });

  it('while FreeSWITCH is unreachable a fax waits for it instead of using up an attempt', async () => {
    harness = await startOutboundHarness({ scenario: { gateways: { gw1: {} } } });
    harness.sim.killConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const faxId = await harness.queue({ to: '+15550000008' });
    const events = await harness.finished(faxId);
    expect(events.map((event) => event.type)).not.toContain('FaxSendAttemptFailed');
    expect(events.at(-1)!).toMatchObject({ type: 'FaxSent', data: { attempts: 1 } });
  });

  it('the event socket drops mid-call: the call goes on, is found again after the reconnect and ends sent, once', async () => {
    harness = await startOutboundHarness({ scenario: { gateways: { gw1: {} }, stations: { '+15550000010': { rate: 2400 } } }, timeScale: 0.02 });
    let transmissions = 0;
    harness.sim.context.hub.route({ deliver: (event) => void (event.subclass === 'spandsp::txfaxresult' && event.get('fax-success') === '1' && transmissions++) }, undefined);
    const faxId = await harness.queue({ to: '+15550000010' }, 3);
    const deadline = Date.now() + 15_000;
    while (!(await harness.types(faxId)).includes('FaxPageTransferred')) {
      if (Date.now() > deadline) throw new Error('no page before the drop');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    harness.sim.killConnections();
    const events = await harness.finished(faxId, 30_000);
    expect(events.at(-1)).toMatchObject({ type: 'FaxSent', data: { attempts: 1, pages: 3 } });
    expect(events.map((event) => event.type)).not.toContain('FaxSendAttemptInterrupted');
    expect(harness.originates()).toHaveLength(1);
    expect(transmissions).toBe(1);
  }, 60_000);

  it('applies the original’s mod_db override-<number> variables to calls to that number', async () => {
    harness = await startOutboundHarness({ scenario: { gateways: { gw1: {} } } });
    await harness.dialer.ready();
    harness.sim.context.db.api('insert/override-+15550000006/fax_enable_t38/false');
    const faxId = await harness.queue({ to: '+15550000006' });
    const events = await harness.finished(faxId);
    const [originate] = harness.originates();
    expect(originate!.command).toContain('fax_enable_t38=false');
    // What was really dialled is on record, stored before the originate went out.
    const applied = events.find((event) => event.type === 'FaxDialOverridesApplied')!;
    expect(applied.data).toMatchObject({ attempt: 1, overrides: { fax_enable_t38: 'false' }, transport: { ecm: true, v17: true, t38: false } });
    expect(Date.parse(applied.created)).toBeLessThanOrEqual(originate!.at);
    expect(events.at(-1)).toMatchObject({ type: 'FaxSent', data: { t38Enabled: false, t38Status: 'off' } });
    expect(faxViewOf(events)).toMatchObject({ status: 'sent', t38Status: 'off', outbound: { transport: { t38: false }, dialOverrides: { fax_enable_t38: 'false' } } });
  });
});
