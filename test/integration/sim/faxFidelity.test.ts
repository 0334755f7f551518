import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { header } from '../../support/rawEsl.js';
import { ask, authedClient, collectEvents, names, startSim, type PlainEvent, type SimHarness } from '../../support/simHarness.js';
import { readTiffPages } from '../../../src/sim/tiffReader.js';
import { faxPage, writeFaxTiff } from '../../../src/sim/tiffWriter.js';

const TX_EVENTS = 'event plain CHANNEL_HANGUP CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE BACKGROUND_JOB CUSTOM spandsp::txfaxnegociateresult spandsp::txfaxpageresult spandsp::txfaxresult';

let h: SimHarness;
let doc: string;
beforeEach(async () => {
  h = await startSim({
    scenario: {
      stations: {
        '100': { ident: '+49 30 1234567' },
        '200': { t38: 'refuse' },
        '300': { failure: { code: 20, negotiations: 2 } },
        '400': { hangupAfterPages: 1 },
        '500': { line: 'voice' },
        '600': { ecm: false, badRowPages: [2], rate: 9600 },
      },
    },
  });
  doc = join(h.dir, 'out.tif');
  writeFileSync(doc, writeFaxTiff([faxPage(true), faxPage(true), faxPage(false)]));
});
afterEach(async () => h.close());

const faxHeaders = (event: PlainEvent | undefined): Array<[string, string]> =>
  (event?.headers ?? []).filter(([name]) => name === 'uuid' || name.startsWith('fax-'));

async function sendFax(number: string, vars = ''): Promise<PlainEvent[]> {
  const client = await authedClient(h.sim);
  await ask(client, TX_EVENTS);
  client.command(`bgapi originate {origination_uuid=tx-${number}${vars}}sofia/gateway/gw1/${number} &txfax(${doc})`);
  const events = await collectEvents(client, (event) => event.name === 'CHANNEL_EXECUTE_COMPLETE', 5000);
  client.end();
  return events;
}

const find = (events: PlainEvent[], subclass: string): PlainEvent[] => events.filter((event) => event.subclass === subclass);

describe('mod_spandsp txfax events (reference §3.5, §7 items 4 and 10)', () => {
  test('negotiate, one page event per page, exactly one result, with every header in order', async () => {
    const events = await sendFax('100');
    expect(names(events).filter((name) => name.startsWith('CUSTOM') || name.startsWith('CHANNEL_EXECUTE'))).toEqual([
      'CHANNEL_EXECUTE', 'CUSTOM:spandsp::txfaxnegociateresult', 'CUSTOM:spandsp::txfaxpageresult', 'CUSTOM:spandsp::txfaxpageresult',
      'CUSTOM:spandsp::txfaxpageresult', 'CUSTOM:spandsp::txfaxresult', 'CHANNEL_EXECUTE_COMPLETE',
    ]);
    const [negotiate] = find(events, 'spandsp::txfaxnegociateresult');
    expect(header(negotiate?.headers ?? [], 'Event-Subclass')).toBe('spandsp%3A%3Atxfaxnegociateresult');
    expect(header(negotiate?.headers ?? [], 'Event-Calling-Function')).toBe('phase_b_handler');
    expect(faxHeaders(negotiate)).toEqual([
      ['uuid', 'tx-100'], ['fax-transfer-rate', '14400'], ['fax-ecm-used', 'on'], ['fax-t38-status', 'off'],
      ['fax-local-station-id', 'SpanDSP%20Fax%20Ident'], ['fax-remote-station-id', '%2B49%2030%201234567'], ['fax-document-total-pages', '0'],
    ]);
    const pages = find(events, 'spandsp::txfaxpageresult');
    expect(faxHeaders(pages[0]).map(([name]) => name)).toEqual([
      'uuid', 'fax-document-transferred-pages', 'fax-document-total-pages', 'fax-image-resolution', 'fax-file-image-resolution',
      'fax-image-size', 'fax-image-pixel-size', 'fax-file-image-pixel-size', 'fax-bad-rows', 'fax-longest-bad-row-run',
      'fax-encoding', 'fax-encoding-name',
    ]);
    expect(header(pages[0]?.headers ?? [], 'fax-image-resolution')).toBe('8040x7700');
    // spandsp truncates 204×196 dpi to pixels per metre (audio.raw: 8031x7716).
    expect(header(pages[0]?.headers ?? [], 'fax-file-image-resolution')).toBe('8031x7716');
    expect(header(pages[2]?.headers ?? [], 'fax-image-resolution')).toBe('8040x3850');
    expect(header(pages[0]?.headers ?? [], 'fax-image-pixel-size')).toBe('1728x2292');
    // Two spandsp 2023 stations with ECM choose T.85 (JBIG) L0 (audio.raw).
    expect(header(pages[0]?.headers ?? [], 'fax-encoding-name')).toBe('T.85(L0)');
    expect(header(pages[0]?.headers ?? [], 'fax-encoding')).toBe('32');
    const [result] = find(events, 'spandsp::txfaxresult');
    expect(faxHeaders(result).map(([name]) => name)).toEqual([
      'fax-success', 'fax-result-code', 'fax-result-text', 'fax-document-transferred-pages', 'fax-document-total-pages',
      'fax-image-resolution', 'fax-image-size', 'fax-bad-rows', 'fax-transfer-rate', 'fax-ecm-used', 'fax-t38-status',
      'fax-local-station-id', 'fax-remote-station-id',
    ]);
    expect(faxHeaders(result).slice(0, 5)).toEqual([
      ['fax-success', '1'], ['fax-result-code', '0'], ['fax-result-text', 'OK'], ['fax-document-transferred-pages', '3'], ['fax-document-total-pages', '3'],
    ]);
    expect(header(result?.headers ?? [], 'Unique-ID')).toBe('tx-100');
    expect(header(result?.headers ?? [], 'variable_fax_result_code')).toBe('0');
    const complete = events[events.length - 1];
    expect(header(complete?.headers ?? [], 'Application-Response')).toBe('_none_');
    expect(header(complete?.headers ?? [], 'variable_fax_success')).toBe('1');
  });

  test('no remote ident → no fax-remote-station-id header at all', async () => {
    const events = await sendFax('101');
    const [result] = find(events, 'spandsp::txfaxresult');
    expect(result?.headers.some(([name]) => name === 'fax-remote-station-id' || name === 'variable_fax_remote_station_id')).toBe(false);
  });

  test('T.38 re-INVITE refused with 488: status refused, the fax continues in audio and succeeds', async () => {
    const events = await sendFax('200', ',fax_enable_t38=true,fax_enable_t38_request=true');
    expect(find(events, 'spandsp::txfaxnegociateresult').map((event) => header(event.headers, 'fax-t38-status'))).toEqual(['off']);
    const [result] = find(events, 'spandsp::txfaxresult');
    expect([header(result?.headers ?? [], 'fax-t38-status'), header(result?.headers ?? [], 'fax-result-code')]).toEqual(['refused', '0']);
    // Success: the receiver hangs up after the last page, the result follows (audio.raw).
    const order = names(events).filter((name) => name === 'CHANNEL_HANGUP' || name.startsWith('CUSTOM:spandsp::txfaxresult'));
    expect(order).toEqual(['CHANNEL_HANGUP', 'CUSTOM:spandsp::txfaxresult']);
  });

  test('T.38 accepted: one negotiation, already T.38, and has_t38 set', async () => {
    const events = await sendFax('201', ',fax_enable_t38=true,fax_enable_t38_request=true');
    // The re-INVITE happens before phase B ends: a single negotiation (osock-t38.raw).
    const negotiations = find(events, 'spandsp::txfaxnegociateresult');
    expect(negotiations.map((event) => header(event.headers, 'fax-t38-status'))).toEqual(['negotiated']);
    expect(header(negotiations[0]?.headers ?? [], 'variable_has_t38')).toBe('true');
  });

  test('training failure: two negotiations with a falling rate, then code 20 with its exact text', async () => {
    const events = await sendFax('300');
    expect(find(events, 'spandsp::txfaxnegociateresult').map((event) => header(event.headers, 'fax-transfer-rate'))).toEqual(['14400', '12000']);
    const [result] = find(events, 'spandsp::txfaxresult');
    expect(faxHeaders(result).slice(0, 6)).toEqual([
      ['fax-success', '0'], ['fax-result-code', '20'], ['fax-result-text', 'Received%20no%20response%20to%20DCS%20or%20TCF'],
      ['fax-document-transferred-pages', '0'], ['fax-document-total-pages', '3'], ['fax-image-resolution', '8040x7700'],
    ]);
  });

  test('hang-up mid-fax: CHANNEL_HANGUP first, then code 49 carrying Hangup-Cause and Answer-State hangup', async () => {
    const events = await sendFax('400');
    const order = names(events).filter((name) => name !== 'BACKGROUND_JOB');
    expect(order.slice(order.indexOf('CHANNEL_HANGUP'))).toEqual(['CHANNEL_HANGUP', 'CUSTOM:spandsp::txfaxresult', 'CHANNEL_EXECUTE_COMPLETE']);
    const [result] = find(events, 'spandsp::txfaxresult');
    expect(header(result?.headers ?? [], 'Hangup-Cause')).toBe('NORMAL_CLEARING');
    expect(header(result?.headers ?? [], 'Answer-State')).toBe('hangup');
    expect(faxHeaders(result).slice(1, 4)).toEqual([
      ['fax-result-code', '49'], ['fax-result-text', 'The%20call%20dropped%20prematurely'], ['fax-document-transferred-pages', '1'],
    ]);
    expect(find(events, 'spandsp::txfaxresult')).toHaveLength(1);
  });

  test('a voice line: no negotiation, code 2 (T0) for the caller', async () => {
    const events = await sendFax('500');
    expect(find(events, 'spandsp::txfaxnegociateresult')).toHaveLength(0);
    expect(faxHeaders(find(events, 'spandsp::txfaxresult')[0]).slice(1, 3)).toEqual([
      ['fax-result-code', '2'], ['fax-result-text', 'Timed%20out%20waiting%20for%20initial%20communication'],
    ]);
  });

  test('non-ECM page with bad rows at 9600 bit/s', async () => {
    const events = await sendFax('600');
    const pages = find(events, 'spandsp::txfaxpageresult');
    expect(pages.map((page) => header(page.headers, 'fax-bad-rows'))).toEqual(['0', '14', '0']);
    expect(header(pages[1]?.headers ?? [], 'fax-encoding-name')).toBe('T.4%202-D');
    expect(header(find(events, 'spandsp::txfaxresult')[0]?.headers ?? [], 'fax-transfer-rate')).toBe('9600');
  });

  test('missing file: no spandsp event, Application-Response says so (sic)', async () => {
    doc = join(h.dir, 'missing.tif');
    const events = await sendFax('100');
    expect(events.some((event) => event.name === 'CUSTOM')).toBe(false);
    expect(header(events[events.length - 1]?.headers ?? [], 'Application-Response')).toBe('Cannot%20send%20non-existant%20fax%20file');
  });

  test('a file that is not a TIFF: one result with code 41, nothing transferred', async () => {
    doc = join(h.dir, 'fake.tif');
    writeFileSync(doc, '%PDF-1.4 not a fax');
    const events = await sendFax('100');
    expect(names(events).filter((name) => name.startsWith('CUSTOM'))).toEqual(['CUSTOM:spandsp::txfaxresult']);
    expect(faxHeaders(find(events, 'spandsp::txfaxresult')[0]).slice(1, 3)).toEqual([
      ['fax-result-code', '41'], ['fax-result-text', 'TIFF/F%20file%20cannot%20be%20opened'],
    ]);
  });
});

describe('mod_spandsp rxfax over the outbound socket (reference §3, §1.10 d)', () => {
  async function receive(station: Record<string, unknown>, file: string, setVar?: string): Promise<PlainEvent[]> {
    h.sim.startInboundCall({ from: '+15551230000', to: '+15559870000', station });
    const client = await h.faxengine.nextClient();
    client.command('connect');
    await client.next();
    await ask(client, 'linger');
    await ask(client, 'event plain CHANNEL_HANGUP CHANNEL_EXECUTE_COMPLETE CUSTOM spandsp::rxfaxnegociateresult spandsp::rxfaxpageresult spandsp::rxfaxresult');
    if (setVar) client.command('sendmsg', { 'call-command': 'execute', 'execute-app-name': 'set', 'execute-app-arg': setVar });
    if (setVar) await client.next();
    client.command('sendmsg', { 'call-command': 'execute', 'execute-app-name': 'rxfax', 'execute-app-arg': file, 'Event-UUID': 'rx-app' });
    await client.next();
    const events = await collectEvents(client, (event) => event.name === 'CHANNEL_EXECUTE_COMPLETE' && header(event.headers, 'Application') === 'rxfax', 5000);
    client.end();
    return events;
  }

  test('receives the pages into a real TIFF; rx events omit fax-document-total-pages in negotiate/page', async () => {
    const file = join(h.dir, 'in.tif');
    const events = await receive({ pages: 3, ident: 'REMOTE' }, file);
    const [negotiate] = find(events, 'spandsp::rxfaxnegociateresult');
    expect(faxHeaders(negotiate).map(([name]) => name)).toEqual(['uuid', 'fax-transfer-rate', 'fax-ecm-used', 'fax-t38-status', 'fax-local-station-id', 'fax-remote-station-id']);
    expect(find(events, 'spandsp::rxfaxpageresult').map((page) => header(page.headers, 'fax-document-transferred-pages'))).toEqual(['1', '2', '3']);
    const [result] = find(events, 'spandsp::rxfaxresult');
    expect(header(result?.headers ?? [], 'fax-document-total-pages')).toBe('3');
    expect(header(events[events.length - 1]?.headers ?? [], 'Application-UUID')).toBe('rx-app');
    const { readFileSync } = await import('node:fs');
    expect(readTiffPages(readFileSync(file)).map((page) => page.width)).toEqual([1728, 1728, 1728]);
  });

  test('caller hangs up before any page: code 49 with 0x0 resolution and 0 pages', async () => {
    const events = await receive({ hangupAfterPages: 0 }, join(h.dir, 'none.tif'));
    const [result] = find(events, 'spandsp::rxfaxresult');
    expect(faxHeaders(result)).toEqual([
      ['fax-success', '0'], ['fax-result-code', '49'], ['fax-result-text', 'The%20call%20dropped%20prematurely'],
      ['fax-document-transferred-pages', '0'], ['fax-document-total-pages', '0'], ['fax-image-resolution', '0x0'],
      ['fax-image-size', '0'], ['fax-bad-rows', '0'], ['fax-transfer-rate', '14400'], ['fax-ecm-used', 'on'],
      ['fax-t38-status', 'off'], ['fax-local-station-id', 'SpanDSP%20Fax%20Ident'],
    ]);
    expect(names(events).indexOf('CHANNEL_HANGUP')).toBeLessThan(names(events).indexOf('CUSTOM:spandsp::rxfaxresult'));
  });

  test('the remote asks for T.38 itself: negotiated only when fax_enable_t38 is set on the channel', async () => {
    const refused = await receive({ t38: 'request' }, join(h.dir, 'a.tif'));
    expect(header(find(refused, 'spandsp::rxfaxresult')[0]?.headers ?? [], 'fax-t38-status')).toBe('refused');
    const accepted = await receive({ t38: 'request' }, join(h.dir, 'b.tif'), 'fax_enable_t38=true');
    expect(find(accepted, 'spandsp::rxfaxnegociateresult').map((event) => header(event.headers, 'fax-t38-status'))).toEqual(['negotiated']);
    expect(header(find(accepted, 'spandsp::rxfaxresult')[0]?.headers ?? [], 'fax-result-code')).toBe('0');
  });
});
