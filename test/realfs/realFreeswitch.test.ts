import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { boxPage, makePdf } from '../support/documentFixtures.js';
import { makeFaxTiff } from '../support/faxFixtures.js';
import { readTiffPages } from '../support/faxTiffPages.js';
import { eventName, type FsEvent } from '../support/realFreeswitch/eslConnection.js';
import { remoteNumber, startRealFaxRig, until, type RealFaxRig } from '../support/realFreeswitch/realFaxRig.js';
import { remoteExtensions as ext } from '../support/realFreeswitch/remoteConf.js';

// Opt-in: needs a FreeSWITCH 1.10 binary (see README, Tests and benchmarks). CI has none, so it is reported skipped there.
const binary = process.env.FREESWITCH_BIN;
// A real 2-page fax over G.711 takes about 20 s; every scenario gets minutes on a shared machine.
const SCENARIO_MS = 300_000;
// How long the remote's "rings first" extension rings before it answers: room to SIGKILL faxengine meanwhile.
const RING_MS = 8000;

describe.skipIf(!binary)('faxengine between two real FreeSWITCH processes (carrier/remote and faxengine\'s own, as shipped)', () => {
  let rig: RealFaxRig;
  let user: string;
  let tiff: string;
  let pdf: Uint8Array;

  beforeAll(async () => {
    rig = await startRealFaxRig({ binary: binary!, modDir: process.env.FREESWITCH_MOD_DIR, ringMs: RING_MS });
    ({ user } = await rig.provision());
    tiff = join(rig.dir, 'two-pages.tif');
    await makeFaxTiff(tiff, 2);
    await makePdf(join(rig.dir, 'two.pdf'), [boxPage(0.25), boxPage(0.5)]);
    pdf = await readFile(join(rig.dir, 'two.pdf'));
  }, 180_000);

  // Each scenario starts with faxengine up, even after one that failed between its SIGKILL and restart.
  beforeEach(async () => {
    await rig.ensureRunning();
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
  }, 120_000);

  const remoteEvent = (what: string, name: string, uuid: string, timeoutMs = 180_000) =>
    rig.remote.esl.waitFor(what, (event) => eventName(event) === name && event['Unique-ID'] === uuid, timeoutMs);

  /** The received fax whose caller is `callerDigits` (its id, once faxengine has the call). */
  async function inboundFaxFrom(callerDigits: string): Promise<string> {
    let id = '';
    await until(`an inbound fax from ${callerDigits}`, async () => {
      const { items } = await rig.call('GET', '/v1/faxes?direction=inbound');
      const found = (items as Array<Record<string, string>>).find((fax) => String(fax.from).endsWith(callerDigits));
      id = found?.id ?? found?.faxId ?? '';
      return id !== '';
    });
    return id;
  }

  /**
   * The remote sends the 2-page TIFF from `callerNumber` and its first page is out: faxengine is
   * receiving (the fax over before its first page fails the scenario with the reason, instead of
   * waiting out its deadline). Answers the remote's call uuid and faxengine's fax id.
   */
  async function remoteFaxUnderWay(callerNumber: string): Promise<{ call: string; faxId: string }> {
    const call = await rig.remoteSendsFax(tiff, callerNumber);
    const faxId = await inboundFaxFrom(callerNumber.slice(1));
    const first = await rig.remote.esl.waitFor(
      'the first page sent',
      (event) => ['spandsp::txfaxpageresult', 'spandsp::txfaxresult'].includes(eventName(event)) && event['Unique-ID'] === call,
      180_000,
    );
    expect(eventName(first), `the fax ended before its first page: ${first['fax-result-text']}`).toBe('spandsp::txfaxpageresult');
    return { call, faxId };
  }

  /** The fax ends received with both pages, its document holds them, and nothing says it was interrupted. */
  async function expectReceivedWhole(faxId: string): Promise<void> {
    expect(await rig.finalFax(faxId)).toMatchObject({ status: 'received', pages: 2, partial: false });
    expect(await documentPages(faxId)).toBe(2);
    const types = ((await rig.call('GET', `/v1/faxes/${faxId}/events`)).items as Array<{ type: string }>).map((event) => event.type);
    expect(types).not.toContain('FaxReceiveInterrupted');
  }

  /** Pages of the fax's stored document, fetched as TIFF through the API. */
  async function documentPages(faxId: string): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${rig.httpPort()}/v1/faxes/${faxId}/document`, {
      headers: { authorization: user, accept: 'image/tiff' },
    });
    expect(res.status).toBe(200);
    const path = join(rig.dir, `document-${faxId}.tif`);
    await writeFile(path, Buffer.from(await res.arrayBuffer()));
    return (await readTiffPages(path)).length;
  }

  /** FreeSWITCH on faxengine's side has no call left (the remote's call ended on both sides). */
  const faxengineFsIdle = () => until('no channel left on faxengine\'s FreeSWITCH', async () => /^0 total/.test((await rig.faxengineFs.esl.api('show channels count')).trim()), 60_000);

  const outcomeClasses = async (faxId: string) =>
    ((await rig.call('GET', `/v1/faxes/${faxId}/events`)).items as Array<{ type: string; data: Record<string, unknown> }>)
      .filter((event) => event.type === 'FaxSendAttemptFailed')
      .map((event) => event.data.outcomeClass);

  it('(1) receives a 2-page fax over G.711 from the carrier: received, 2 pages, a document', async () => {
    const call = await rig.remoteSendsFax(tiff, '15557770001');
    const sent = await remoteEvent('the remote\'s txfax result', 'spandsp::txfaxresult', call);
    expect(sent['fax-success']).toBe('1');
    const faxId = await inboundFaxFrom('5557770001');
    const view = await rig.finalFax(faxId);
    expect(view).toMatchObject({ status: 'received', pages: 2, partial: false });
    expect(view.documentId).toMatch(/^sha256-/);
    expect(await documentPages(faxId)).toBe(2);
    await until('the spool emptied', () => readdirSync(rig.spoolDir).filter((name) => name.endsWith('.tif')).length === 0, 30_000);
  }, SCENARIO_MS);

  it('(2, 7) sends a fax to the remote\'s rxfax: sent, received there once; page header, station ident and caller name arrive intact', async () => {
    const header = 'Acme Corp, Billing dept 50% — O\'Brien "Ünïcødé" ☎';
    const callerName = 'O\'Neil, Mary "MJ"';
    const ident = 'ACME FAX, 1 "B"';
    const faxId = await rig.submit(user, remoteNumber(ext.rxAudio), pdf, { headerText: header, callerIdName: callerName, stationIdent: ident });
    const view = await rig.finalFax(faxId);
    expect(view).toMatchObject({ status: 'sent', pages: 2, outbound: { maybeSent: false } });

    // One call per attempt (an attempt spandsp lost to a starved CPU is retried), one fax received.
    const calls = rig.remoteCallsTo(ext.rxAudio);
    expect(calls).toHaveLength(view.outbound.attempts);
    const received = rig.remoteRxResults(ext.rxAudio).filter((event) => event['fax-success'] === '1');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ 'fax-document-transferred-pages': '2', 'fax-remote-station-id': ident });
    expect((await readTiffPages(join(rig.remoteRxDir, `remote-${received[0]!['Unique-ID']}.tif`))).length).toBe(2);

    // What faxengine's originate left on its own FreeSWITCH's channel, and what the remote got in SIP.
    const answered = rig.faxengineFsEvents('CHANNEL_ANSWER').find((event: FsEvent) => event.variable_faxengine_fax_id === faxId);
    expect(answered?.variable_fax_header).toBe(header);
    expect(answered?.variable_fax_ident).toBe(ident);
    // sofia does not escape a `"` in the display name, so faxengine sends double quotes as single ones.
    expect(calls[0]!.variable_sip_from_display).toBe('O\'Neil, Mary \'MJ\'');
  }, SCENARIO_MS);

  it('(3) faxengine SIGKILLed mid-receive, restarted after the call ended: received with all pages (#15 defect 1)', async () => {
    const { call, faxId } = await remoteFaxUnderWay('15557770003');
    await rig.kill();

    // FreeSWITCH finishes the fax without faxengine: the sender is told success.
    const sent = await remoteEvent('the remote\'s txfax result', 'spandsp::txfaxresult', call);
    expect(sent).toMatchObject({ 'fax-success': '1', 'fax-document-transferred-pages': '2' });
    await remoteEvent('the remote\'s hang-up', 'CHANNEL_HANGUP_COMPLETE', call);
    await faxengineFsIdle();

    await rig.restart();
    await expectReceivedWhole(faxId);
  }, SCENARIO_MS);

  it('(4) faxengine SIGKILLed while the call rings, restarted after the remote took the fax: sent, delivered exactly once (#15 defect 2)', async () => {
    const faxId = await rig.submit(user, remoteNumber(ext.rxAfterRinging), pdf);
    await until('the remote ringing', () => rig.remoteCallsTo(ext.rxAfterRinging).length === 1, 120_000);
    const call = rig.remoteCallsTo(ext.rxAfterRinging)[0]!['Unique-ID']!;
    expect(rig.remoteEvents('CHANNEL_ANSWER', call)).toHaveLength(0);
    await rig.kill();

    const received = await remoteEvent('the remote\'s rxfax result', 'spandsp::rxfaxresult', call);
    expect(received).toMatchObject({ 'fax-success': '1', 'fax-document-transferred-pages': '2' });
    await remoteEvent('the remote\'s hang-up', 'CHANNEL_HANGUP_COMPLETE', call);
    await faxengineFsIdle();

    await rig.restart();
    const view = await rig.finalFax(faxId);
    expect(view).toMatchObject({ status: 'sent', pages: 2, outbound: { attempts: 1, maybeSent: false } });
    // Give a wrong retry time to show itself: no second call reaches the remote.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(rig.remoteCallsTo(ext.rxAfterRinging)).toHaveLength(1);
    expect(rig.remoteRxResults(ext.rxAfterRinging).filter((event) => event['fax-success'] === '1')).toHaveLength(1);
  }, SCENARIO_MS);

  it('(5) 486 busy: classed busy and retried', async () => {
    const faxId = await rig.submit(user, remoteNumber(ext.busy), pdf, { policy: JSON.stringify({ maxAttempts: 2, busyRetryDelayMs: 1000 }) });
    const view = await rig.finalFax(faxId);
    expect(view).toMatchObject({ status: 'failed', outbound: { attempts: 2 } });
    expect(await outcomeClasses(faxId)).toEqual(['busy', 'busy']);
    expect(rig.remoteCallsTo(ext.busy)).toHaveLength(2);
  }, SCENARIO_MS);

  it('(6) 480 Temporarily Unavailable (NORMAL_CLEARING, never answered): classed no answer (#15 defect 7)', async () => {
    const faxId = await rig.submit(user, remoteNumber(ext.unavailable), pdf, { policy: JSON.stringify({ maxAttempts: 1 }) });
    const view = await rig.finalFax(faxId);
    expect(view).toMatchObject({ status: 'failed', outbound: { attempts: 1 } });
    expect(await outcomeClasses(faxId)).toEqual(['noAnswer']);
    expect(rig.remoteCallsTo(ext.unavailable)).toHaveLength(1);
  }, SCENARIO_MS);
  it('(8) sends a fax to a remote that accepts T.38: sent over T.38, received there once', async () => {
    const faxId = await rig.submit(user, remoteNumber(ext.rxT38), pdf);
    const view = await rig.finalFax(faxId);
    expect(view).toMatchObject({ status: 'sent', pages: 2, t38Status: 'negotiated' });
    expect(rig.remoteCallsTo(ext.rxT38)).toHaveLength(view.outbound.attempts);
    const received = rig.remoteRxResults(ext.rxT38).filter((event) => event['fax-success'] === '1');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ 'fax-document-transferred-pages': '2', 'fax-t38-status': 'negotiated' });
  }, SCENARIO_MS);

  it('(9) receives a fax from a carrier that switches to T.38: received over T.38, 2 pages', async () => {
    const call = await rig.remoteSendsFax(tiff, '15557770009', { t38: true });
    const sent = await remoteEvent('the remote\'s txfax result', 'spandsp::txfaxresult', call);
    expect(sent).toMatchObject({ 'fax-success': '1', 'fax-t38-status': 'negotiated' });
    const view = await rig.finalFax(await inboundFaxFrom('5557770009'));
    expect(view).toMatchObject({ status: 'received', pages: 2, partial: false, t38Status: 'negotiated' });
  }, SCENARIO_MS);

  it('(10) a fax cancelled while the remote rings: the call is hung up unanswered, the fax cancelled', async () => {
    const faxId = await rig.submit(user, remoteNumber(ext.ringForever), pdf);
    await until('the remote ringing', () => rig.remoteCallsTo(ext.ringForever).length === 1, 120_000);
    const call = rig.remoteCallsTo(ext.ringForever)[0]!['Unique-ID']!;
    expect(await rig.call('DELETE', `/v1/faxes/${faxId}`)).toMatchObject({ status: 'cancelled' });
    await remoteEvent('the remote\'s call ended', 'CHANNEL_HANGUP_COMPLETE', call, 60_000);
    expect(rig.remoteEvents('CHANNEL_ANSWER', call)).toHaveLength(0);
    expect(await rig.finalFax(faxId)).toMatchObject({ status: 'cancelled' });
  }, SCENARIO_MS);

  /** The calls to the remote's `extension` that are not in `earlier`, as the remote saw them arrive. */
  const callsSince = (extension: string, earlier: Set<string | undefined>) => rig.remoteCallsTo(extension).filter((call) => !earlier.has(call['Unique-ID']));

  /** The first page of a new call to `extension` is at the remote: the call is answered and the transfer under way. Answers that page's event. */
  async function firstPageAtRemote(extension: string, earlier: Set<string | undefined>): Promise<FsEvent> {
    const page = await rig.remote.esl.waitFor(
      'the first page at the remote',
      (event) => ['spandsp::rxfaxpageresult', 'spandsp::rxfaxresult'].includes(eventName(event)) && callsSince(extension, earlier).some((call) => call['Unique-ID'] === event['Unique-ID']),
      180_000,
    );
    expect(eventName(page), `the fax ended before its first page: ${page['fax-result-text']}`).toBe('spandsp::rxfaxpageresult');
    return page;
  }

  it('(11) faxengine stopped (SIGTERM) mid-send: the drain lets the call finish and records it sent, exits 0; a restart sends nothing again', async () => {
    const earlier = new Set(rig.remoteCallsTo(ext.rxAudio).map((event) => event['Unique-ID']));
    const faxId = await rig.submit(user, remoteNumber(ext.rxAudio), pdf);
    const page = await firstPageAtRemote(ext.rxAudio, earlier);
    const stopping = rig.process();
    const exited = rig.stop();
    const shutdownAt = (JSON.parse(await stopping.waitForLine((line) => line.includes('"msg":"shutting down"'))) as { time: number }).time;
    expect(await exited).toBe(0);

    // What faxengine itself recorded before it exited, read from its event store: the whole call, ended during the drain.
    const events = new Database(join(rig.dataDir, 'events.sqlite'), { readonly: true });
    const recorded = events.prepare<[string], { type: string; created: string }>('SELECT type, created FROM events WHERE stream = ? ORDER BY revision').all(`fax-${faxId}`);
    events.close();
    expect(recorded.map((event) => event.type)).toContain('FaxSent');
    expect(recorded.map((event) => event.type)).not.toContain('FaxSendAttemptInterrupted');
    expect(Date.parse(recorded.find((event) => event.type === 'FaxSent')!.created)).toBeGreaterThan(shutdownAt);
    const call = String(page['Unique-ID']);
    expect(rig.remoteEvents('spandsp::rxfaxresult', call)).toMatchObject([{ 'fax-success': '1', 'fax-document-transferred-pages': '2' }]);

    await rig.restart();
    expect(await rig.finalFax(faxId)).toMatchObject({ status: 'sent', pages: 2, outbound: { attempts: 1, maybeSent: false } });
    // Give a wrong retry time to show itself: no second call reaches the remote.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(callsSince(ext.rxAudio, earlier)).toHaveLength(1);
  }, SCENARIO_MS);

  it('(12) faxengine stopped (SIGTERM) while the call rings, past its drain limit: hung up unanswered, recorded as no answer, sent once after the restart', async () => {
    // A drain limit shorter than the remote's ringing.
    expect(await rig.stop()).toBe(0);
    await rig.restart({ FAXENGINE_FAX_DRAIN_TIMEOUT_MS: '2000' });
    const earlier = new Set(rig.remoteCallsTo(ext.rxAfterRinging).map((event) => event['Unique-ID']));
    const faxId = await rig.submit(user, remoteNumber(ext.rxAfterRinging), pdf, { policy: JSON.stringify({ noAnswerRetryDelayMs: 1000 }) });
    const newCalls = () => callsSince(ext.rxAfterRinging, earlier);
    await until('the remote ringing', () => newCalls().length === 1, 120_000);
    const ringing = newCalls()[0]!['Unique-ID']!;
    const stopping = rig.process();
    expect(await rig.stop()).toBe(0);
    expect(stopping.stdout()).toContain('drain limit reached');

    // The remote's call ended without an answer, and faxengine recorded the attempt as the unanswered one it was.
    await remoteEvent('the remote\'s call ended', 'CHANNEL_HANGUP_COMPLETE', ringing, 60_000);
    expect(rig.remoteEvents('CHANNEL_ANSWER', ringing)).toHaveLength(0);
    await faxengineFsIdle();
    const events = new Database(join(rig.dataDir, 'events.sqlite'), { readonly: true });
    const recorded = events
      .prepare<[string], { type: string; data: string }>('SELECT type, data FROM events WHERE stream = ? ORDER BY revision')
      .all(`fax-${faxId}`)
      .map((event) => ({ type: event.type, data: JSON.parse(event.data) as Record<string, unknown> }));
    events.close();
    expect(recorded.map((event) => event.type).slice(-2)).toEqual(['FaxSendAttemptFailed', 'FaxRetryScheduled']);
    expect(recorded.at(-2)!.data).toMatchObject({ answered: false, outcomeClass: 'noAnswer', hangupCause: 'NO_ANSWER', pagesSent: 0 });

    await rig.restart();
    expect(await rig.finalFax(faxId)).toMatchObject({ status: 'sent', pages: 2, outbound: { attempts: 2, maybeSent: false } });
    expect(newCalls()).toHaveLength(2);
    const received = rig.remoteRxResults(ext.rxAfterRinging).filter((event) => event['fax-success'] === '1' && !earlier.has(event['Unique-ID']));
    expect(received).toHaveLength(1);
  }, SCENARIO_MS);

  it('(13) faxengine\'s event-socket connections cut mid-send, both processes up: the call goes on, followed to its end and recorded sent once', async () => {
    const earlier = new Set(rig.remoteCallsTo(ext.rxAudio).map((event) => event['Unique-ID']));
    const faxId = await rig.submit(user, remoteNumber(ext.rxAudio), pdf);
    const page = await firstPageAtRemote(ext.rxAudio, earlier);
    const logged = rig.process().stdout().length;
    expect(rig.cutFaxengineEsl()).toBeGreaterThan(0);
    await until('faxengine to see its event sockets fail', () => rig.process().stdout().slice(logged).includes('FreeSWITCH event socket unavailable; reconnecting'), 30_000);

    const received = await remoteEvent('the remote\'s rxfax result', 'spandsp::rxfaxresult', String(page['Unique-ID']));
    expect(received).toMatchObject({ 'fax-success': '1', 'fax-document-transferred-pages': '2' });
    expect(await rig.finalFax(faxId)).toMatchObject({ status: 'sent', pages: 2, outbound: { attempts: 1, maybeSent: false } });
    // Give a wrong retry time to show itself: no second call reaches the remote.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(callsSince(ext.rxAudio, earlier)).toHaveLength(1);
  }, SCENARIO_MS);

  it('(14) the outbound socket of a call being received cut mid-fax, both processes up: FreeSWITCH finishes rxfax, and the fax is received whole', async () => {
    const { call, faxId } = await remoteFaxUnderWay('15557770014');
    const logged = rig.process().stdout().length;
    expect(rig.cutCallSockets()).toBeGreaterThan(0);
    await until('faxengine to see the call\'s socket fail', () => rig.process().stdout().slice(logged).includes('outbound socket error'), 30_000);

    const sent = await remoteEvent('the remote\'s txfax result', 'spandsp::txfaxresult', call);
    expect(sent).toMatchObject({ 'fax-success': '1', 'fax-document-transferred-pages': '2' });
    await expectReceivedWhole(faxId);
  }, SCENARIO_MS);

  it('(15) faxengine\'s FreeSWITCH killed mid-send and started again: with no outcome anywhere the fax ends "maybe sent", never dialled again', async () => {
    const earlier = new Set(rig.remoteCallsTo(ext.rxAudio).map((event) => event['Unique-ID']));
    const faxId = await rig.submit(user, remoteNumber(ext.rxAudio), pdf);
    await firstPageAtRemote(ext.rxAudio, earlier);
    // The call dies with FreeSWITCH: no hang-up event, no api_hangup_hook, so no outcome in mod_db.
    await rig.crashFaxengineFs();

    const view = await rig.finalFax(faxId);
    expect(view).toMatchObject({ status: 'failed', outbound: { attempts: 1, maybeSent: true } });
    const types = ((await rig.call('GET', `/v1/faxes/${faxId}/events`)).items as Array<{ type: string }>).map((event) => event.type);
    expect(types.slice(-2)).toEqual(['FaxSendAttemptInterrupted', 'FaxFailed']);
    expect(types).not.toContain('FaxSent');
    // Give a wrong retry time to show itself: no second call reaches the remote.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(callsSince(ext.rxAudio, earlier)).toHaveLength(1);
    // faxengine is connected to the new FreeSWITCH and sends again.
    await until('faxengine ready again', async () => (await fetch(`http://127.0.0.1:${rig.httpPort()}/readyz`)).status === 200, 60_000);
    const next = await rig.submit(user, remoteNumber(ext.rxAudio), pdf);
    expect(await rig.finalFax(next)).toMatchObject({ status: 'sent', pages: 2 });
  }, SCENARIO_MS);

  it('(16) faxengine\'s FreeSWITCH killed mid-receive and started again: interrupted, the pages that arrived kept and routed as partial', async () => {
    const { faxId } = await remoteFaxUnderWay('15557770016');
    await rig.crashFaxengineFs();

    const view = await rig.finalFax(faxId);
    expect(view).toMatchObject({ status: 'interrupted', partial: true, hangupCause: 'CONNECTION_LOST' });
    expect(view.pages).toBeGreaterThanOrEqual(1);
    expect(await documentPages(faxId)).toBe(view.pages);
    const events = (await rig.call('GET', `/v1/faxes/${faxId}/events`)).items as Array<{ type: string; data: Record<string, unknown> }>;
    expect(events.map((event) => event.type).slice(-3)).toEqual(['FaxReceiveInterrupted', 'FaxRouted', 'FaxCallEnded']);
    expect(events.find((event) => event.type === 'FaxRouted')!.data).toMatchObject({ partial: true, documentId: view.documentId });
  }, SCENARIO_MS);

  it('(17) faxengine SIGKILLed mid-send and restarted while the call is still up: followed to its end, sent once', async () => {
    const earlier = new Set(rig.remoteCallsTo(ext.rxAudio).map((event) => event['Unique-ID']));
    const faxId = await rig.submit(user, remoteNumber(ext.rxAudio), pdf);
    const page = await firstPageAtRemote(ext.rxAudio, earlier);
    await rig.kill();
    await rig.restart();
    // The restart came before the end of the call, so the restarted faxengine followed a live call.
    expect(rig.remoteEvents('spandsp::rxfaxresult', String(page['Unique-ID'])), 'the call ended before faxengine was back: this run did not test a live call').toHaveLength(0);

    expect(await rig.finalFax(faxId)).toMatchObject({ status: 'sent', pages: 2, outbound: { attempts: 1, maybeSent: false } });
    const received = await remoteEvent('the remote\'s rxfax result', 'spandsp::rxfaxresult', String(page['Unique-ID']));
    expect(received).toMatchObject({ 'fax-success': '1', 'fax-document-transferred-pages': '2' });
    // Give a wrong retry time to show itself: no second call reaches the remote.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(callsSince(ext.rxAudio, earlier)).toHaveLength(1);
  }, SCENARIO_MS);
});
