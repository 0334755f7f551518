import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { header, plainHeaders, type RawEslClient } from '../../support/rawEsl.js';
import { ask, asEvent, collectEvents, isEvent, names, startSim, type SimHarness } from '../../support/simHarness.js';

let h: SimHarness;
beforeEach(async () => {
  h = await startSim({ firstCommandTimeoutMs: 300 });
});
afterEach(async () => h.close());

const CALL = { from: '+15551230000', to: '+15559870000', diversion: '<sip:+15559870001@carrier>;reason=unconditional' };

async function incoming(socketArgs = 'async full', extra: Record<string, unknown> = {}): Promise<{ client: RawEslClient; uuid: string }> {
  const call = h.sim.startInboundCall({ ...CALL, socketArgs, ...extra });
  return { client: await h.faxengine.nextClient(), uuid: call.uuid };
}

async function connected(socketArgs = 'async full', extra: Record<string, unknown> = {}): Promise<{ client: RawEslClient; uuid: string }> {
  const call = await incoming(socketArgs, extra);
  call.client.command('connect');
  await call.client.next();
  return call;
}

describe('outbound socket (reference §1.9, §7 item 6)', () => {
  test('sends nothing until the client writes', async () => {
    const { client } = await incoming();
    expect(await client.silentFor(100)).toBe(true);
    client.end();
  });

  test('connect reply: CHANNEL_DATA as the header block, command/reply tail, no Content-Length', async () => {
    const { client, uuid } = await incoming();
    client.command('connect');
    const frame = await client.next();
    expect(frame.raw.startsWith('Event-Name: CHANNEL_DATA\n')).toBe(true);
    expect(frame.raw.endsWith('Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n')).toBe(true);
    expect(frame.headers['Content-Length']).toBeUndefined();
    const headers = plainHeaders(frame.raw);
    expect(header(headers, 'Event-Calling-File')).toBe('mod_event_socket.c');
    expect(header(headers, 'Event-Calling-Function')).toBe('parse_command');
    expect(headers[13]).toEqual(['Channel-Direction', 'inbound']);
    expect(header(headers, 'Channel-Caller-ID-Number')).toBe('%2B15551230000');
    expect(header(headers, 'Channel-State')).toBe('CS_EXECUTE');
    expect(header(headers, 'Channel-Call-State')).toBe('RINGING');
    expect(header(headers, 'Channel-State-Number')).toBe('4');
    expect(header(headers, 'Unique-ID')).toBe(uuid);
    // Named after the From URI, without a port (osock-audio.raw).
    expect(header(headers, 'Channel-Name')).toBe('sofia/external/%2B15551230000%40203.0.113.10');
    expect(header(headers, 'variable_sip_to_user')).toBe('%2B15559870000');
    expect(header(headers, 'variable_sip_network_ip')).toBe('203.0.113.10');
    expect(header(headers, 'variable_sip_gateway_name')).toBe('gw1');
    expect(header(headers, 'variable_sip_h_Diversion')).toBe('%3Csip%3A%2B15559870001%40carrier%3E%3Breason%3Dunconditional');
    const tail = headers.slice(-7).map(([name]) => name);
    expect(tail).toEqual(['variable_current_application_data', 'variable_current_application', 'variable_socket_host', 'Content-Type', 'Reply-Text', 'Socket-Mode', 'Control']);
    client.end();
  });

  test('the first command is executed but only connect writes a reply', async () => {
    const { client } = await incoming();
    client.command('linger');
    expect(await client.silentFor(80)).toBe(true);
    client.command('connect');
    expect((await client.next()).raw.startsWith('Event-Name: CHANNEL_DATA\n')).toBe(true);
    expect((await ask(client, 'getvar sip_from_user')).headers['Reply-Text']).toBe('+15551230000');
    client.end();
  });

  test('without full only the restricted set answers; getvar of an unset variable is -ERR command not found', async () => {
    const { client } = await connected('async');
    const reply = async (line: string): Promise<string | undefined> => (await ask(client, line)).headers['Reply-Text'];
    expect(await reply('event plain ALL')).toBe('-ERR command not found');
    expect(await reply('linger')).toBe('-ERR command not found');
    expect(await reply('api status')).toBe('-ERR command not found');
    expect(await reply('nolog')).toBe('-ERR command not found');
    expect(await reply('getvar no_such_var')).toBe('-ERR command not found');
    expect(await reply('divert_events on')).toBe('+OK events diverted');
    expect(await reply('resume')).toBe('+OK');
    expect(await reply('myevents')).toBe('+OK Events Enabled');
    expect(await reply('myevents')).toBe('-ERR aready enabled.');
    client.end();
  });

  test('myevents brings own channel events but no CHANNEL_CALLSTATE and no CUSTOM', async () => {
    const { client } = await connected();
    await ask(client, 'myevents');
    client.command('sendmsg', { 'call-command': 'execute', 'execute-app-name': 'rxfax', 'execute-app-arg': `${h.dir}/my.tif` });
    // The socket app parks the channel as the first sendmsg arrives: CHANNEL_PARK before its +OK (osock-audio.raw).
    expect(asEvent(await client.next()).name).toBe('CHANNEL_PARK');
    expect((await client.next()).headers['Reply-Text']).toBe('+OK');
    const events = await collectEvents(client, (event) => event.name === 'CHANNEL_EXECUTE_COMPLETE');
    expect(names(events)).toEqual(['CHANNEL_EXECUTE', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_ANSWER', 'CHANNEL_EXECUTE_COMPLETE']);
    client.end();
  });

  test('Application-UUID echoes Event-UUID; no Application-Data for an empty argument; Response _none_', async () => {
    const { client } = await connected();
    await ask(client, 'event plain CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE');
    client.command('sendmsg', { 'call-command': 'execute', 'execute-app-name': 'answer', 'event-lock': 'true', 'Event-UUID': 'app-uuid-1' });
    expect((await client.next()).raw).toBe('Content-Type: command/reply\nReply-Text: +OK\n\n');
    const events = await collectEvents(client, (event) => event.name === 'CHANNEL_EXECUTE_COMPLETE');
    const [execute, complete] = events;
    expect(execute?.headers.slice(-2)).toEqual([['Application', 'answer'], ['Application-UUID', 'app-uuid-1']]);
    expect(complete?.headers.slice(-6)).toEqual([
      ['variable_current_loop', '1'], ['variable_total_loops', '1'], ['variable_current_application', 'answer'],
      ['Application', 'answer'], ['Application-Response', '_none_'], ['Application-UUID', 'app-uuid-1'],
    ]);
    client.end();
  });

  test('without linger: hangup sends the disconnect notice (67 bytes) and later events are lost', async () => {
    const { client, uuid } = await connected();
    await ask(client, 'event plain ALL');
    client.command('sendmsg', { 'call-command': 'hangup', 'hangup-cause': 'NORMAL_CLEARING' });
    expect((await client.until((frame) => !isEvent(frame))).headers['Reply-Text']).toBe('+OK');
    // The queued events go out first, as with a linger notice (osock-audio.raw); CHANNEL_DESTROY never.
    const before = await collectEvents(client, (event) => event.name === 'CHANNEL_HANGUP_COMPLETE');
    expect(names(before)).toContain('CHANNEL_HANGUP');
    expect((await client.next()).raw).toBe(
      `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${uuid}\nContent-Disposition: disconnect\nContent-Length: 67\n\n` +
        'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n',
    );
    await client.waitClosed();
  });

  test('with linger: a linger notice, events keep coming (not CHANNEL_DESTROY), exit ends with the notice', async () => {
    const { client, uuid } = await connected();
    expect((await ask(client, 'linger')).headers['Reply-Text']).toBe('+OK will linger');
    await ask(client, 'event plain ALL');
    client.command('sendmsg', { 'call-command': 'hangup', 'hangup-cause': 'USER_BUSY' });
    expect((await client.until((frame) => !isEvent(frame))).headers['Reply-Text']).toBe('+OK');
    // The linger notice follows CHANNEL_HANGUP_COMPLETE (osock-audio.raw).
    const events = await collectEvents(client, (event) => event.name === 'CHANNEL_HANGUP_COMPLETE');
    expect(names(events)).toEqual(['CHANNEL_HANGUP', 'CHANNEL_UNPARK', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_STATE', 'CHANNEL_CALLSTATE', 'CHANNEL_STATE', 'CHANNEL_HANGUP_COMPLETE']);
    const notice = await client.next();
    expect(notice.raw).toBe(
      `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${uuid}\nContent-Disposition: linger\n` +
        `Channel-Name: sofia/external/+15551230000@203.0.113.10\nLinger-Time: -1\nContent-Length: 0\n\n`,
    );
    expect(await client.silentFor(60)).toBe(true);
    expect((await ask(client, 'exit')).headers['Reply-Text']).toBe('+OK bye');
    expect((await client.next()).headers['Content-Disposition']).toBe('disconnect');
    await client.waitClosed();
    await h.sim.waitForCalls(2000);
  });

  test('linger <n> reports the seconds', async () => {
    const { client } = await connected();
    expect((await ask(client, 'linger 10')).headers['Reply-Text']).toBe('+OK will linger 10 seconds');
    expect((await ask(client, 'nolinger')).headers['Reply-Text']).toBe('+OK will not linger');
    client.end();
  });

  test('static (sync) socket: +OK only after the app returned, its events after the +OK', async () => {
    const { client } = await connected('full');
    await ask(client, 'event plain CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE');
    client.command('sendmsg', { 'call-command': 'execute', 'execute-app-name': 'playback', 'execute-app-arg': 'silence_stream://2000' });
    expect((await client.next()).raw).toBe('Content-Type: command/reply\nReply-Text: +OK\n\n');
    const events = await collectEvents(client, (event) => event.name === 'CHANNEL_EXECUTE_COMPLETE');
    expect(names(events)).toEqual(['CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE']);
    client.end();
  });

  test('BACKGROUND_JOB of a bgapi on an outbound socket carries Job-Owner-UUID', async () => {
    const { client, uuid } = await connected();
    await ask(client, 'event plain BACKGROUND_JOB');
    client.command('bgapi uuid_exists ' + uuid, { 'Job-UUID': 'owned-job' });
    await client.next();
    const job = asEvent(await client.until(isEvent));
    expect(job.headers.slice(13, 17)).toEqual([['Job-UUID', 'owned-job'], ['Job-Owner-UUID', uuid], ['Job-Command', 'uuid_exists'], ['Job-Command-Arg', uuid]]);
    client.end();
  });

  test('no first command within the timeout: outbound disconnect notice and close', async () => {
    const { client, uuid } = await incoming();
    expect((await client.next(3000)).headers['Controlled-Session-UUID']).toBe(uuid);
    await client.waitClosed();
  });
});
