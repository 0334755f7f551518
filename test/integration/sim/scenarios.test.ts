import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { header } from '../../support/rawEsl.js';
import { ask, asEvent, authedClient, collectEvents, isEvent, names, startSim, type SimHarness } from '../../support/simHarness.js';

let h: SimHarness;
beforeEach(async () => {
  h = await startSim({
    scenario: {
      gateways: { gw1: { ip: '198.51.100.7' }, gw2: { state: 'down' } },
      stations: {
        '1001': { outcome: 'NO_ANSWER' },
        '1002': { outcome: 'CALL_REJECTED' },
        '1003': { outcome: 'NO_ROUTE_DESTINATION' },
        '1004': { ringSeconds: 1 },
        // Rings long enough that 1004 always answers first, even on a loaded machine (1 ms per simulated second).
        '1005': { ringSeconds: 30 },
      },
    },
  });
});
afterEach(async () => h.close());

describe('scenario-driven originate outcomes', () => {
  test.each([
    ['1001', '-ERR NO_ANSWER\n'],
    ['1002', '-ERR CALL_REJECTED\n'],
    ['1003', '-ERR NO_ROUTE_DESTINATION\n'],
  ])('station %s answers %j', async (number, body) => {
    const client = await authedClient(h.sim);
    expect((await ask(client, `api originate {originate_timeout=30}sofia/gateway/gw1/${number} &park()`)).body).toBe(body);
    client.end();
  });

  test('`|` tries the next group after a failure; origination_uuid goes to the first created channel', async () => {
    const client = await authedClient(h.sim);
    const reply = await ask(client, 'api originate {origination_uuid=seq-1}error/USER_BUSY|sofia/gateway/gw2/1004|sofia/gateway/gw1/1004 &park()');
    expect(reply.body).toBe('+OK seq-1\n');
    expect(h.sim.channels().map((channel) => channel.variables['sip_gateway_name'])).toEqual(['gw1']);
    client.end();
  });

  test('`,` rings at once: the first answer wins and the other leg loses the race', async () => {
    const client = await authedClient(h.sim);
    await ask(client, 'event plain CHANNEL_HANGUP');
    const reply = await ask(client, 'api originate {origination_uuid=sim-1}sofia/gateway/gw1/1005,sofia/gateway/gw1/1004 &park()');
    const winner = reply.body.replace('+OK ', '').trim();
    expect(winner).not.toBe('sim-1');
    const hangup = asEvent(await client.until(isEvent));
    expect([header(hangup.headers, 'Unique-ID'), header(hangup.headers, 'Hangup-Cause')]).toEqual(['sim-1', 'LOSE_RACE']);
    client.end();
  });

  test('uuid_kill while ringing cancels the originate with that cause', async () => {
    const client = await authedClient(h.sim);
    const killer = await authedClient(h.sim);
    client.command('api originate {origination_uuid=ring-1}sofia/gateway/gw1/1005 &park()');
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect((await ask(killer, 'api uuid_kill ring-1 ORIGINATOR_CANCEL')).body).toBe('+OK\n');
    expect((await client.next()).body).toBe('-ERR ORIGINATOR_CANCEL\n');
    client.end();
    killer.end();
  });

  test('an inbound call from a gateway carries its source IP and the SIP headers asked for', async () => {
    h.sim.startInboundCall({ from: '15551112222', to: '15553334444', gateway: 'gw1', sipHeaders: { 'X-Tenant': 'acme' } });
    const client = await h.faxengine.nextClient();
    const reply = await ask(client, 'connect');
    expect(reply.raw).toContain('\nvariable_sip_network_ip: 198.51.100.7\n');
    expect(reply.raw).toContain('\nvariable_sip_h_X-Tenant: acme\n');
    expect(reply.raw).toContain('\nCaller-Network-Addr: 198.51.100.7\n');
    client.end();
  });

  test('inbound ESL sees the whole inbound-call lifecycle, CHANNEL_DESTROY only after the socket closed', async () => {
    const observer = await authedClient(h.sim);
    await ask(observer, 'event plain ALL');
    const call = h.sim.startInboundCall({ from: '15551112222', to: '15553334444' });
    const client = await h.faxengine.nextClient();
    await ask(client, 'connect');
    await ask(client, 'linger');
    client.command('sendmsg', { 'call-command': 'hangup' });
    await client.next();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(h.sim.channels().map((channel) => channel.uuid)).toEqual([call.uuid]);
    client.end();
    const events = await collectEvents(observer, (event) => event.name === 'CHANNEL_STATE' && header(event.headers, 'Channel-State') === 'CS_DESTROY');
    expect(names(events)).toEqual([
      'CHANNEL_STATE', 'CHANNEL_CREATE', 'CHANNEL_CALLSTATE', 'CHANNEL_STATE', 'CHANNEL_STATE', 'CHANNEL_EXECUTE', 'CHANNEL_PARK',
      'CHANNEL_HANGUP', 'CHANNEL_UNPARK', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_STATE', 'CHANNEL_CALLSTATE', 'CHANNEL_STATE',
      'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_DESTROY', 'CHANNEL_STATE',
    ]);
    const summary = await call.finished;
    expect(summary.hangupCause).toBe('NORMAL_CLEARING');
    observer.end();
  });

  test('inbound myevents <uuid> follows one channel; a bad uuid with a format word is refused', async () => {
    const client = await authedClient(h.sim);
    expect((await ask(client, 'myevents not-a-channel json')).headers['Reply-Text']).toBe('-ERR invalid uuid');
    await ask(client, 'api originate {origination_uuid=mine-1}sofia/gateway/gw1/1004 &park()');
    expect((await ask(client, 'myevents mine-1 json')).headers['Reply-Text']).toBe('+OK Events Enabled');
    await ask(client, 'api originate {origination_uuid=other-1}sofia/gateway/gw1/1004 &park()');
    await ask(client, 'api uuid_kill mine-1');
    const hangup = await client.until(isEvent);
    expect(hangup.headers['Content-Type']).toBe('text/event-plain');
    expect(header(asEvent(hangup).headers, 'Unique-ID')).toBe('mine-1');
    client.end();
  });

  test('the command log records what each connection sent; killConnections drops them', async () => {
    const client = await authedClient(h.sim);
    await ask(client, 'api status');
    const [connection] = h.sim.connections();
    expect(h.sim.commandLog(connection?.id ?? '').map((entry) => entry.command)).toEqual(['auth ClueCon', 'api status']);
    h.sim.killConnections();
    await client.waitClosed();
  });
});
