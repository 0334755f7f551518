import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import esl from 'modesl';
import type { Connection, Event } from 'modesl';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createSimulator, type Simulator } from '../../../src/sim/simulator.js';
import { faxPage, writeFaxTiff } from '../../../src/sim/tiffWriter.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** Subscriptions must list BACKGROUND_JOB and EXECUTE_COMPLETE before CUSTOM (reference §6.2). */
const TX_EVENTS = ['BACKGROUND_JOB', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HANGUP', 'CUSTOM', 'spandsp::txfaxnegociateresult', 'spandsp::txfaxpageresult', 'spandsp::txfaxresult'];

let sim: Simulator;
let faxengine: NetServer;
let dir: string;
let document: string;

beforeEach(async () => {
  faxengine = createServer();
  await new Promise<void>((resolve) => faxengine.listen(0, '127.0.0.1', resolve));
  dir = mkdtempSync(join(tmpdir(), 'faxsim-modesl-'));
  document = join(dir, 'out.tif');
  writeFileSync(document, writeFaxTiff([faxPage(true), faxPage(true)]));
  sim = await createSimulator({
    listen: { host: '127.0.0.1', port: 0 },
    dial: { host: '127.0.0.1', port: (faxengine.address() as AddressInfo).port },
    timeScale: 0.001,
    scenario: {
      stations: {
        '15550000486': { outcome: 'USER_BUSY' },
        '15550000488': { t38: 'refuse' },
        '15550000049': { hangupAfterPages: 1 },
      },
    },
  });
});

afterEach(async () => {
  await sim.close();
  await new Promise((resolve) => faxengine.close(resolve));
});

function inbound(): Promise<Connection> {
  return new Promise((resolve) => {
    const conn: Connection = new esl.Connection('127.0.0.1', sim.eslAddress.port, 'ClueCon', () => resolve(conn));
    conn.on('error', () => undefined);
  });
}

const subscribe = (conn: Connection, events: string[]): Promise<Event> => new Promise((resolve) => conn.events('json', events, resolve));

/** Originates a fax with bgapi and resolves with the job body and the txfaxresult event. */
async function sendFax(number: string, vars: string): Promise<{ job: string; result?: Event; hangupFirst: boolean }> {
  const conn = await inbound();
  await subscribe(conn, TX_EVENTS);
  const uuid = `modesl-${number}`;
  let hangupSeen = false;
  let hangupFirst = false;
  const result = new Promise<Event>((resolve) => {
    conn.on(`esl::event::CUSTOM::${uuid}`, (event: Event) => {
      if (event.getHeader('Event-Subclass') !== 'spandsp::txfaxresult') return;
      hangupFirst = hangupSeen;
      resolve(event);
    });
  });
  conn.on(`esl::event::CHANNEL_HANGUP::${uuid}`, () => (hangupSeen = true));
  const job = await new Promise<string>((resolve) =>
    conn.bgapi('originate', `{origination_uuid=${uuid}${vars}}sofia/gateway/gw1/${number} &txfax(${document})`, `job-${number}`, (event) => resolve(event.getBody())),
  );
  const outcome = job.startsWith('+OK') ? await result : undefined;
  conn.disconnect();
  return { job, ...(outcome ? { result: outcome } : {}), hangupFirst };
}

describe('modesl inbound mode against the simulator', () => {
  test('a successful outbound fax', async () => {
    const { job, result } = await sendFax('15551234567', ',fax_enable_t38=true');
    expect(job).toBe('+OK modesl-15551234567\n');
    expect(result?.getHeader('fax-success')).toBe('1');
    expect(result?.getHeader('fax-result-text')).toBe('OK');
    expect(result?.getHeader('fax-document-transferred-pages')).toBe('2');
    expect(result?.getHeader('fax-image-resolution')).toBe('8040x7700');
  });

  test('a busy originate', async () => {
    const { job, result } = await sendFax('15550000486', '');
    expect(job).toBe('-ERR USER_BUSY\n');
    expect(result).toBeUndefined();
  });

  test('a T.38 refusal: the fax continues in audio', async () => {
    const { result } = await sendFax('15550000488', ',fax_enable_t38=true,fax_enable_t38_request=true');
    expect(result?.getHeader('fax-t38-status')).toBe('refused');
    expect(result?.getHeader('fax-result-code')).toBe('0');
  });

  test('a hang-up mid-fax: code 49 after CHANNEL_HANGUP, with Hangup-Cause', async () => {
    const { result, hangupFirst } = await sendFax('15550000049', '');
    expect(result?.getHeader('fax-result-code')).toBe('49');
    expect(result?.getHeader('fax-result-text')).toBe('The call dropped prematurely');
    expect(result?.getHeader('Hangup-Cause')).toBe('NORMAL_CLEARING');
    expect(hangupFirst).toBe(true);
  });
});

describe('modesl outbound mode (esl.Server) against the simulator', () => {
  test('a successful inbound fax lands as a 1728-wide multi-page TIFF', async () => {
    const file = join(dir, 'received.tif');
    const server = new esl.Server({ server: faxengine });
    server.on('connection::open', (conn: Connection) => conn.on('error', () => undefined));
    const done = new Promise<{ complete: Event; result: Event; info: Event }>((resolve) => {
      server.on('connection::ready', (conn: Connection) => {
        let result: Event | undefined;
        conn.on('esl::event::CUSTOM::**', (event: Event) => {
          if (event.getHeader('Event-Subclass') === 'spandsp::rxfaxresult') result = event;
        });
        conn.sendRecv('linger', () =>
          conn.events('json', ['BACKGROUND_JOB', 'CHANNEL_EXECUTE_COMPLETE', 'CUSTOM', 'spandsp::rxfaxresult'], () =>
            conn.execute('answer', '', () =>
              conn.execute('rxfax', file, (complete) => resolve({ complete, result: result as Event, info: conn.getInfo() })),
            ),
          ),
        );
      });
    });
    const call = sim.startInboundCall({ from: '+15551230000', to: '+15559870000', station: { pages: 3 } });
    const { complete, result, info } = await done;
    expect(info.getHeader('Unique-ID')).toBe(call.uuid);
    expect(info.getHeader('Channel-Caller-ID-Number')).toBe('+15551230000');
    expect(info.getHeader('variable_sip_to_user')).toBe('+15559870000');
    expect(complete.getHeader('Application')).toBe('rxfax');
    expect(complete.getHeader('Application-Response')).toBe('_none_');
    expect(result.getHeader('fax-result-code')).toBe('0');
    expect(result.getHeader('fax-document-total-pages')).toBe('3');
    const tiffinfo = execFileSync('tiffinfo', [file], { encoding: 'utf8' });
    expect(tiffinfo.match(/TIFF Directory at offset/g)).toHaveLength(3);
    expect(tiffinfo.match(/Image Width: 1728 /g)).toHaveLength(3);
    expect(tiffinfo).toContain('Bits/Sample: 1');
  });
});
