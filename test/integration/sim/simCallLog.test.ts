import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faxPage, writeFaxTiff } from '../../../src/sim/tiffWriter.js';
import { deliveredOnce, receivedNotLost, type ApiFax } from '../../support/chaosInvariants.js';
import { ask, authedClient, startSim, type SimHarness } from '../../support/simHarness.js';
import { recordSimCalls, type CallPhase, type SimCallLog } from '../../support/simCallLog.js';

// The fault-injection test trusts these to tell what really happened: they must see it, and say so.
let h: SimHarness;
let log: SimCallLog;
const phasesSeen = new Map<string, Set<CallPhase>>();
beforeEach(async () => {
  h = await startSim({ scenario: { stations: { '15550001111': { ringSeconds: 2 } } } });
  log = recordSimCalls(h.sim);
  phasesSeen.clear();
  // Phases as each event leaves them, recorded synchronously, as the kill switch sees them.
  log.onChange((call) => {
    for (const { call: other, phase } of log.phases()) if (other === call) phasesSeen.set(call.uuid, (phasesSeen.get(call.uuid) ?? new Set()).add(phase));
  });
});
afterEach(async () => {
  log.stop();
  await h.close();
});

async function until(check: () => boolean): Promise<void> {
  for (let tries = 0; tries < 400 && !check(); tries++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

const fax = (fields: Partial<ApiFax>): ApiFax => ({
  faxId: 'fax-1', direction: 'outbound', status: 'sent', ended: true, callUuid: '', from: '+15551230000', to: '+15550001111', pages: 2, documentId: 'doc', outbound: { attempts: 1, maybeSent: false }, ...fields,
});
const submitted = [{ number: '15550001111', round: 1, outcome: 'accepted' as const, faxId: 'fax-1' }];

describe('the simulator call log of the fault-injection test', () => {
  it('counts each txfax the remote station received, by dialled number, and flags a second one', async () => {
    const doc = join(h.dir, 'out.tif');
    writeFileSync(doc, writeFaxTiff([faxPage(true), faxPage(true)]));
    const client = await authedClient(h.sim);
    const originate = `bgapi originate {faxengine_fax_id=fax-1}sofia/gateway/gw1/+15550001111 &txfax(${doc})`;
    await ask(client, originate);
    await until(() => log.successes('tx').length === 1);
    const [first] = log.successes('tx');
    expect(first?.call).toMatchObject({ direction: 'outbound', number: '15550001111', faxId: 'fax-1', pagesDone: 2 });
    expect(first?.result).toMatchObject({ mode: 'tx', code: 0, pages: 2 });
    expect([...(phasesSeen.get(first!.call.uuid) ?? [])]).toEqual(['dialling', 'ringing', 'in call', 'after hang-up']);

    expect(deliveredOnce([fax({})], log, submitted)).toEqual({ duplicates: [], sentNotDelivered: [], failedButDelivered: [] });
    expect(deliveredOnce([fax({ status: 'failed' })], log, submitted).failedButDelivered).toEqual([expect.stringContaining('the simulator delivered it 1 time(s)')]);
    expect(deliveredOnce([fax({ status: 'failed', outbound: { attempts: 1, maybeSent: true } })], log, submitted).failedButDelivered).toEqual([]);

    await ask(client, originate);
    await until(() => log.successes('tx').length === 2);
    client.end();
    const twice = deliveredOnce([fax({})], log, submitted);
    expect(twice.duplicates).toEqual([expect.stringMatching(/^\+15550001111 received the fax 2 times, calls .* \(fax fax-1: sent; attempts none failed\)$/)]);
    expect(twice.sentNotDelivered).toEqual([expect.stringContaining('the simulator saw 2 deliveries')]);
  });

  it('knows whose sender was told success, and finds that fax lost unless faxengine kept all its pages', async () => {
    const call = h.sim.startInboundCall({ from: '+15550002222', to: '+15551230000', station: { pages: 2 } });
    const client = await h.faxengine.nextClient();
    client.command('connect');
    await client.next();
    await ask(client, 'linger');
    client.command('sendmsg', { 'call-command': 'execute', 'execute-app-name': 'rxfax', 'execute-app-arg': join(h.dir, 'in.tif') });
    await until(() => log.successes('rx').length === 1);
    client.end();
    expect(log.successes('rx')[0]).toMatchObject({ call: { uuid: call.uuid, direction: 'inbound', number: '15550002222' }, result: { mode: 'rx', code: 0, pages: 2 } });
    expect([...(phasesSeen.get(call.uuid) ?? [])]).toContain('receiving');

    const received = fax({ direction: 'inbound', status: 'received', callUuid: call.uuid, from: '+15550002222', to: '+15551230000' });
    expect(await receivedNotLost([received], log, async () => 2)).toEqual([]);
    expect(await receivedNotLost([], log, async () => 2)).toEqual([`inbound call ${call.uuid} from +15550002222: sender told success (2 pages), but faxengine has no fax for the call`]);
    expect(await receivedNotLost([{ ...received, status: 'interrupted', pages: 1 }], log, async () => 1)).toEqual([expect.stringContaining('is interrupted with 1 pages')]);
    expect(await receivedNotLost([received], log, async () => 1)).toEqual([expect.stringContaining('has 1 pages')]);
  });
});
