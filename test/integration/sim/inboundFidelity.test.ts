import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { RawEslClient, header } from '../../support/rawEsl.js';
import { ask, asEvent, authedClient, collectEvents, isEvent, names, startSim, type SimHarness } from '../../support/simHarness.js';

const DISCONNECT = 'Content-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

let h: SimHarness;
beforeEach(async () => {
  h = await startSim({ firstCommandTimeoutMs: 150, scenario: { stations: { '486': { outcome: 'USER_BUSY', ringSeconds: 1 } } } });
});
afterEach(async () => h.close());

describe('inbound ESL framing and auth (reference §1.2, §1.5, §1.9)', () => {
  test('greets with exactly auth/request and accepts the password', async () => {
    const client = await RawEslClient.connect(h.sim.eslAddress.port);
    expect((await client.next()).raw).toBe('Content-Type: auth/request\n\n');
    expect((await ask(client, 'auth ClueCon')).raw).toBe('Content-Type: command/reply\nReply-Text: +OK accepted\n\n');
    client.end();
  });

  test('a wrong password gets -ERR invalid, the 67-byte disconnect notice, then close', async () => {
    const client = await RawEslClient.connect(h.sim.eslAddress.port);
    await client.next();
    expect((await ask(client, 'auth nope')).raw).toBe('Content-Type: command/reply\nReply-Text: -ERR invalid\n\n');
    expect((await client.next()).raw).toBe(DISCONNECT);
    await client.waitClosed();
  });

  test('commands before auth get -ERR command not found and the connection stays usable', async () => {
    const client = await RawEslClient.connect(h.sim.eslAddress.port);
    await client.next();
    expect((await ask(client, 'api status')).headers['Reply-Text']).toBe('-ERR command not found');
    expect((await ask(client, 'auth ClueCon')).headers['Reply-Text']).toBe('+OK accepted');
    client.end();
  });

  test('no first command within the timeout: disconnect notice and close', async () => {
    const client = await RawEslClient.connect(h.sim.eslAddress.port);
    await client.next();
    expect((await client.next(2000)).raw).toBe(DISCONNECT);
    await client.waitClosed();
  });

  test('exit replies +OK bye, then the disconnect notice, then closes', async () => {
    const client = await authedClient(h.sim);
    expect((await ask(client, 'exit')).raw).toBe('Content-Type: command/reply\nReply-Text: +OK bye\n\n');
    expect((await client.next()).raw).toBe(DISCONNECT);
    await client.waitClosed();
  });

  test('api replies are Content-Type then Content-Length; unknown commands name themselves', async () => {
    const client = await authedClient(h.sim);
    expect((await ask(client, 'api uuid_exists nope')).raw).toBe('Content-Type: api/response\nContent-Length: 5\n\nfalse');
    expect((await ask(client, 'api frobnicate now')).raw).toBe('Content-Type: api/response\nContent-Length: 35\n\n-ERR frobnicate Command not found!\n');
    expect((await ask(client, 'bogus')).raw).toBe('Content-Type: command/reply\nReply-Text: -ERR command not found\n\n');
    client.end();
  });

  test('reply texts of event, nixevent, noevents, filter, log, nolog, linger', async () => {
    const client = await authedClient(h.sim);
    const reply = async (line: string): Promise<string | undefined> => (await ask(client, line)).headers['Reply-Text'];
    expect(await reply('event plain NOPE')).toBe('-ERR no keywords supplied');
    expect(await reply('event json CHANNEL_CREATE')).toBe('+OK event listener enabled json');
    expect(await reply('nixevent CHANNEL_CREATE')).toBe('+OK events nixed');
    expect(await reply('noevents')).toBe('-ERR not listening for events');
    expect(await reply('filter Unique-ID')).toBe('-ERR invalid syntax');
    expect(await reply('filter Unique-ID abc')).toBe('+OK filter added. [Unique-ID]=[abc]');
    expect(await reply('filter delete Unique-ID abc')).toBe('+OK filter deleted. [Unique-ID][abc]');
    expect(await reply('filter delete all')).toBe('+OK filter deleted. [all][]');
    expect(await reply('log debug')).toBe('+OK log level debug [7]');
    expect(await reply('nolog')).toBe('+OK no longer logging');
    expect(await reply('nolog')).toBe('-ERR not loging');
    expect(await reply('linger')).toBe('-ERR not controlling a session');
    expect(await reply('sendmsg 00000000-dead')).toBe('-ERR invalid session id [00000000-dead]');
    client.end();
  });
});

describe('events on the wire (reference §1.3, §2, §7)', () => {
  test('event frames: Content-Length first, common headers in order, plain body ends with a blank line', async () => {
    const client = await authedClient(h.sim);
    await ask(client, 'event plain CHANNEL_CREATE');
    client.command('bgapi originate {origination_uuid=ev-1}sofia/gateway/gw1/100 &park()');
    const frame = await client.until(isEvent);
    expect(frame.headerBlock).toMatch(/^Content-Length: \d+\nContent-Type: text\/event-plain\n\n$/);
    expect(Number(frame.headers['Content-Length'])).toBe(Buffer.byteLength(frame.body));
    expect(frame.body.endsWith('\n\n')).toBe(true);
    const event = asEvent(frame);
    expect(event.headers.slice(0, 13).map(([name]) => name)).toEqual([
      'Event-Name', 'Core-UUID', 'FreeSWITCH-Hostname', 'FreeSWITCH-Switchname', 'FreeSWITCH-IPv4', 'FreeSWITCH-IPv6',
      'Event-Date-Local', 'Event-Date-GMT', 'Event-Date-Timestamp', 'Event-Calling-File', 'Event-Calling-Function',
      'Event-Calling-Line-Number', 'Event-Sequence',
    ]);
    expect(header(event.headers, 'FreeSWITCH-IPv6')).toBe('%3A%3A1');
    expect(header(event.headers, 'Event-Date-Timestamp')).toMatch(/^\d{16}$/);
    expect(header(event.headers, 'Event-Date-GMT')).toMatch(/^\w{3},%20\d{2}%20\w{3}%20\d{4}%20\d{2}%3A\d{2}%3A\d{2}%20GMT$/);
    expect(header(event.headers, 'Channel-State')).toBe('CS_INIT');
    expect(header(event.headers, 'Channel-State-Number')).toBe('2');
    expect(header(event.headers, 'Channel-Call-State')).toBe('DOWN');
    expect(header(event.headers, 'Answer-State')).toBe('ringing');
    expect(header(event.headers, 'Call-Direction')).toBe('outbound');
    expect(header(event.headers, 'Unique-ID')).toBe('ev-1');
    client.end();
  });

  test('channel variables are URL-encoded in plain, %XX is not re-encoded, JSON values are raw', async () => {
    const client = await authedClient(h.sim);
    await ask(client, 'event plain CHANNEL_CREATE');
    client.command("bgapi originate {origination_uuid=ev-2,x_pct=50%25,x_name='José Ü',x_empty=}sofia/gateway/gw1/101 &park()");
    const plain = asEvent(await client.until(isEvent));
    expect(header(plain.headers, 'variable_x_pct')).toBe('50%25');
    expect(header(plain.headers, 'variable_x_name')).toBe('Jos%C3%A9%20%C3%9C');
    expect(plain.headers.some(([name]) => name === 'variable_x_empty')).toBe(false);
    await ask(client, 'noevents');
    await ask(client, 'event json CHANNEL_CREATE');
    client.command("bgapi originate {origination_uuid=ev-3,x_name='José Ü'}sofia/gateway/gw1/102 &park()");
    const json = await client.until((frame) => frame.headers['Content-Type'] === 'text/event-json');
    const parsed = JSON.parse(json.body) as Record<string, string>;
    expect(parsed['variable_x_name']).toBe('José Ü');
    expect(parsed['FreeSWITCH-IPv6']).toBe('::1');
    expect(json.body.endsWith('}')).toBe(true);
    client.end();
  });

  test('the format word counts only as the first token; xml events carry encoded values', async () => {
    const client = await authedClient(h.sim);
    expect((await ask(client, 'event CHANNEL_CREATE json')).headers['Reply-Text']).toBe('+OK event listener enabled plain');
    expect((await ask(client, 'event xml CHANNEL_ANSWER')).headers['Reply-Text']).toBe('+OK event listener enabled xml');
    client.command('bgapi originate {origination_uuid=fmt-1}sofia/gateway/gw1/106 &park()');
    const frame = await client.until((f) => f.headers['Content-Type'] === 'text/event-xml');
    expect(frame.body.startsWith('<event>\n  <headers>\n    <Event-Name>CHANNEL_CREATE</Event-Name>\n')).toBe(true);
    expect(frame.body).toContain('<FreeSWITCH-IPv6>%3A%3A1</FreeSWITCH-IPv6>');
    client.end();
  });

  test('CUSTOM token trap: BACKGROUND_JOB after CUSTOM is a subclass name, so no job event arrives', async () => {
    const client = await authedClient(h.sim);
    await ask(client, 'event plain CHANNEL_ANSWER CUSTOM spandsp::txfaxresult BACKGROUND_JOB');
    client.command('bgapi status', { 'Job-UUID': 'trap-job' });
    expect((await client.next()).headers['Reply-Text']).toBe('+OK Job-UUID: trap-job');
    expect(await client.silentFor(150)).toBe(true);
    client.end();
  });

  test('event ALL includes CUSTOM subclasses and the API event', async () => {
    const client = await authedClient(h.sim);
    await ask(client, 'event plain ALL');
    client.command('sendevent CUSTOM', { 'Event-Subclass': 'sim::probe' });
    const frames = [await client.next(), await client.next()];
    const event = frames.map((frame) => (isEvent(frame) ? asEvent(frame) : undefined)).find(Boolean);
    expect(event?.subclass).toBe('sim::probe');
    client.command('api status');
    const api = asEvent(await client.until(isEvent));
    expect(api.name).toBe('API');
    expect(header(api.headers, 'API-Command')).toBe('status');
    client.end();
  });

  test('a Unique-ID filter drops BACKGROUND_JOB (no Unique-ID) until a Job-UUID filter is added', async () => {
    const client = await authedClient(h.sim);
    await ask(client, 'event plain BACKGROUND_JOB');
    await ask(client, 'filter Unique-ID some-channel');
    client.command('bgapi status', { 'Job-UUID': 'job-a' });
    await client.next();
    expect(await client.silentFor(100)).toBe(true);
    await ask(client, 'filter Job-UUID job-b');
    client.command('bgapi status', { 'Job-UUID': 'job-b' });
    await client.next();
    const job = asEvent(await client.until(isEvent));
    expect(header(job.headers, 'Job-UUID')).toBe('job-b');
    client.end();
  });

  test('bgapi: reply with the chosen Job-UUID first, then BACKGROUND_JOB without Job-Owner-UUID, body +OK after answer', async () => {
    const client = await authedClient(h.sim);
    await ask(client, 'event plain BACKGROUND_JOB CHANNEL_ANSWER');
    client.command('bgapi originate {origination_uuid=bg-1}sofia/gateway/gw1/103 &park()', { 'Job-UUID': 'job-1' });
    expect((await client.next()).raw).toBe('Content-Type: command/reply\nReply-Text: +OK Job-UUID: job-1\nJob-UUID: job-1\n\n');
    const events = await collectEvents(client, (event) => event.name === 'BACKGROUND_JOB');
    expect(names(events)).toEqual(['CHANNEL_ANSWER', 'BACKGROUND_JOB']);
    const job = events[1] as (typeof events)[number];
    expect(job.headers.slice(13).map(([name]) => name)).toEqual(['Job-UUID', 'Job-Command', 'Job-Command-Arg', 'Content-Length']);
    expect(header(job.headers, 'Job-Command-Arg')).toBe('%7Borigination_uuid%3Dbg-1%7Dsofia/gateway/gw1/103%20%26park()');
    expect(job.frame.body.endsWith('\n\n+OK bg-1\n')).toBe(true);
    client.end();
  });

  test('api blocks event delivery until its reply; originate failures answer -ERR <CAUSE>', async () => {
    const client = await authedClient(h.sim);
    await ask(client, 'event plain CHANNEL_CREATE CHANNEL_HANGUP');
    client.command('api originate sofia/gateway/gw1/486 &txfax(/tmp/x.tif)');
    const first = await client.next();
    expect(first.raw).toBe('Content-Type: api/response\nContent-Length: 15\n\n-ERR USER_BUSY\n');
    const events = await collectEvents(client, (event) => event.name === 'CHANNEL_HANGUP');
    expect(names(events)).toEqual(['CHANNEL_CREATE', 'CHANNEL_HANGUP']);
    expect(header((events[1] as (typeof events)[number]).headers, 'Hangup-Cause')).toBe('USER_BUSY');
    expect((await ask(client, 'api originate sofia/gateway/nope/1 &park()')).body).toBe('-ERR INVALID_GATEWAY\n');
    h.sim.setGatewayState('gw1', 'down');
    expect((await ask(client, 'api originate sofia/gateway/gw1/1 &park()')).body).toBe('-ERR GATEWAY_DOWN\n');
    expect((await ask(client, 'api originate nonsense')).body).toMatch(/^-USAGE: /);
    client.end();
  });

  test('lifecycle: HANGUP_COMPLETE has Hangup-Cause twice; STATE and CALLSTATE carry no variables', async () => {
    const client = await authedClient(h.sim);
    await ask(client, 'event plain ALL');
    client.command('bgapi originate {origination_uuid=lc-1}sofia/gateway/gw1/104 &park()');
    await collectEvents(client, (event) => event.name === 'CHANNEL_EXECUTE');
    client.command('api uuid_kill lc-1 CALL_REJECTED');
    const events = await collectEvents(client, (event) => event.name === 'CHANNEL_DESTROY');
    const complete = events.find((event) => event.name === 'CHANNEL_HANGUP_COMPLETE');
    expect(complete?.headers.filter(([name]) => name === 'Hangup-Cause')).toEqual([['Hangup-Cause', 'CALL_REJECTED'], ['Hangup-Cause', 'CALL_REJECTED']]);
    expect(complete?.headers[13]).toEqual(['Hangup-Cause', 'CALL_REJECTED']);
    for (const event of events.filter((e) => e.name === 'CHANNEL_STATE' || e.name === 'CHANNEL_CALLSTATE')) {
      expect(event.headers.some(([name]) => name.startsWith('variable_'))).toBe(false);
    }
    const hangup = events.find((event) => event.name === 'CHANNEL_HANGUP');
    expect([header(hangup?.headers ?? [], 'Channel-State'), header(hangup?.headers ?? [], 'Channel-State-Number')]).toEqual(['CS_EXECUTE', '10']);
    expect(names(events).filter((name) => name !== 'API')).toEqual([
      'CHANNEL_HANGUP', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_STATE', 'CHANNEL_CALLSTATE', 'CHANNEL_STATE', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_DESTROY',
    ]);
    client.end();
  });

  test('api uuid_dump, show channels as json, db, sofia status, status, reloadxml', async () => {
    const client = await authedClient(h.sim);
    await ask(client, 'api originate {origination_uuid=dump-1}sofia/gateway/gw1/105 &park()');
    const dump = (await ask(client, 'api uuid_dump dump-1')).body;
    expect(dump).toMatch(/^Event-Name: CHANNEL_DATA\n/);
    expect(dump).toContain('Event-Calling-Function: uuid_dump_function\n');
    const show = JSON.parse((await ask(client, 'api show channels as json')).body) as { row_count: number; rows: Array<{ uuid: string }> };
    expect(show.row_count).toBe(1);
    expect(show.rows[0]?.uuid).toBe('dump-1');
    expect((await ask(client, 'api db insert/realm/k/v')).body).toBe('+OK');
    expect((await ask(client, 'api db select/realm/k')).body).toBe('v');
    expect((await ask(client, 'api sofia status')).body).toContain('external::gw1');
    expect((await ask(client, 'api status')).body).toContain('is ready');
    expect((await ask(client, 'api reloadxml')).body).toBe('+OK [Success]\n');
    expect((await ask(client, 'api hupall')).body).toBe('+OK hangup all channels with cause MANAGER_REQUEST\n');
    client.end();
  });
});
