import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Channel } from './channel.js';
import { hangupChannel } from './channelOps.js';
import { firePhaseB, firePhaseD, firePhaseE, type FaxMode, type Negotiation, type PageStats } from './faxEvents.js';
import { fallbackRate, lineResolution, pageSeconds, pageStats } from './faxPages.js';
import type { SimContext } from './simContext.js';
import { T30 } from './t30Codes.js';
import { fsUrlDecode } from './urlEncode.js';
import { writeFaxTiff, type FaxPage } from './tiffWriter.js';

const L16 = { name: 'L16', rate: 8000, bitRate: 128000 };

/** The document side of a fax run: pages to send or expect, or the T.30 code a bad file gives. */
export interface FaxDocument {
  pages: FaxPage[];
  fileError?: number;
}

/**
 * One rxfax/txfax run after the early checks (reference §3.4–3.7, §4): start variables, phase B
 * (repeated on retrain or a T.38 switch), one phase D per page, exactly one phase E. A hangup
 * mid-fax ends with code 49 after CHANNEL_HANGUP; rxfax writes each page it got to `file` as it ends.
 */
export async function runFax(ctx: SimContext, channel: Channel, mode: FaxMode, file: string, doc: FaxDocument): Promise<void> {
  const station = channel.station;
  const useEcm = channel.getVar('fax_use_ecm') === undefined || channel.isTrue('fax_use_ecm');
  const v17Disabled = channel.isTrue('fax_disable_v17');
  // T.38 is agreed by re-INVITE before spandsp starts: has_t38 precedes the fax variables (t38.raw).
  const t38Allowed = channel.isTrue('fax_enable_t38') && !channel.isTrue('refuse_t38');
  const t38Agreed = t38Allowed && (station.t38 === 'request' || (station.t38 === 'accept' && channel.isTrue('fax_enable_t38_request')));
  if (t38Agreed && station.line === 'fax' && doc.fileError === undefined) channel.setVar('has_t38', 'true');
  channel.setVar('fax_v17_disabled', v17Disabled ? 1 : 0);
  channel.setVar('fax_ecm_requested', useEcm ? 1 : 0);
  channel.setVar('fax_filename', file);
  channel.readCodec = L16;

  const sleep = (seconds: number): Promise<boolean> => ctx.clock.sleep(seconds, channel.hungUp);
  const negotiation: Negotiation = {
    rate: 14400,
    ecm: false,
    t38Status: 'off',
    localId: fsUrlDecode(channel.getVar('fax_ident') ?? 'SpanDSP Fax Ident'),
    remoteId: '',
    // A send's negotiation result says 0 pages: spandsp knows the count only later (audio.raw).
    totalPages: 0,
  };
  const received: FaxPage[] = [];
  let lastPage: PageStats | undefined;
  let badRows = 0;

  let negotiated = false;
  const negotiate = (): void => {
    negotiated = true;
    negotiation.remoteId = station.ident;
    negotiation.ecm = useEcm && station.ecm;
    firePhaseB(ctx, channel, mode, negotiation);
  };

  const transfer = async (): Promise<number> => {
    if (!(await sleep(0.25))) return T30.CALLDROPPED;
    if (station.line === 'voice' || (station.line === 'silent' && mode === 'tx')) return voiceLine(ctx, channel, mode);
    if (station.line === 'silent') return silentCaller(ctx, channel);
    // Phase B comes 5–7 s after the app starts on real FreeSWITCH (audio.raw, osock-audio.raw).
    if (!(await sleep(4.75))) return T30.CALLDROPPED;
    if (doc.fileError !== undefined) return doc.fileError;
    if (mode === 'rx' && !existsSync(dirname(file))) return T30.FILEERROR;
    if (station.t38 === 'request') negotiation.t38Status = t38Allowed ? 'negotiated' : 'refused';
    negotiation.rate = Math.min(station.rate, v17Disabled ? 9600 : 14400);
    // Our T.38 re-INVITE goes out right after the answer, before the audio training ends: an
    // accepted one gives a single phase B, already on T.38 (osock-t38.raw); a refused one leaves
    // the audio negotiation as it was.
    const weRequest = t38Allowed && channel.isTrue('fax_enable_t38_request') && station.t38 !== 'request';
    if (weRequest && station.t38 === 'accept') negotiation.t38Status = 'negotiated';
    negotiate();
    if (weRequest && station.t38 !== 'accept') {
      if (!(await sleep(1.5))) return T30.CALLDROPPED;
      negotiation.t38Status = 'refused';
    }
    const failure = station.failure;
    for (let n = 1; n < (failure?.negotiations ?? 1); n++) {
      if (!(await sleep(3))) return T30.CALLDROPPED;
      negotiation.rate = fallbackRate(negotiation.rate);
      negotiate();
    }
    for (let index = 0; index < doc.pages.length; index++) {
      const page = doc.pages[index] as FaxPage;
      if (failure && failure.afterPages === index) return (await sleep(3)) ? failure.code : T30.CALLDROPPED;
      if (station.hangupAfterPages === index) {
        if (await sleep(pageSeconds(page, negotiation.rate) / 2)) void hangupChannel(ctx, channel, 'NORMAL_CLEARING');
        return T30.CALLDROPPED;
      }
      if (!(await sleep(pageSeconds(page, negotiation.rate)))) return T30.CALLDROPPED;
      lastPage = pageStats(page, index, mode === 'tx' ? doc.pages.length : index + 1, negotiation.ecm, station);
      // A receiver's file has the line's resolution (osock-audio.raw: 8040x7700 for both).
      if (mode === 'rx') lastPage.fileResolution = lastPage.resolution;
      badRows += lastPage.badRows;
      received.push(page);
      // spandsp closes each received page into the TIFF as it ends: the spool file grows page by page.
      if (mode === 'rx') await writeFile(file, writeFaxTiff(received)).catch(() => undefined);
      firePhaseD(ctx, channel, mode, lastPage);
    }
    if (failure && failure.afterPages >= doc.pages.length) return (await sleep(3)) ? failure.code : T30.CALLDROPPED;
    await sleep(1);
    return T30.OK;
  };

  const code = await transfer();
  // The receiving fax machine hangs up once it confirmed the last page, before spandsp reports:
  // a send's result comes after CHANNEL_HANGUP, also when it succeeded (audio.raw, t38.raw).
  if (mode === 'tx' && code === T30.OK && !channel.isHungUp) {
    channel.setVar('proto_specific_hangup_cause', 'sip:200');
    void hangupChannel(ctx, channel, 'NORMAL_CLEARING');
  }
  // Each call's pages carry a stamp of its uuid: equal images would be stored once (issue #15).
  const stamp = stampOf(channel.uuid);
  if (mode === 'rx' && received.length > 0) await writeFile(file, writeFaxTiff(received.map((page) => ({ ...page, stamp })))).catch(() => undefined);
  const firstPage = doc.pages[0];
  firePhaseE(ctx, channel, mode, {
    ...negotiation,
    code,
    transferred: received.length,
    // Before phase B spandsp knows neither the page count nor the resolution (kill.raw).
    totalPages: mode === 'tx' ? (negotiated ? doc.pages.length : 0) : received.length,
    resolution: lastPage?.resolution ?? (negotiated && mode === 'tx' && firstPage && doc.fileError === undefined ? lineResolution(firstPage) : '0x0'),
    // rxfax reports an image size of 0 in its result (osock-audio.raw), txfax the last page's.
    imageSize: mode === 'rx' ? 0 : (lastPage?.imageSize ?? 0),
    badRows,
  });
  if (!channel.isHungUp) {
    void ctx.clock.sleep(station.hangupDelaySeconds, channel.hungUp).then((elapsed) => {
      if (elapsed) void hangupChannel(ctx, channel, 'NORMAL_CLEARING');
    });
  }
  if (code === T30.OK && station.t38NoReturn && negotiation.t38Status === 'negotiated') await channel.hungUp;
  channel.readCodec = channel.writeCodec;
}

/** A voice line never answers T.30: T0 (60 s, caller) or T1 (35 s, answerer) expires, or it hangs up. */
async function voiceLine(ctx: SimContext, channel: Channel, mode: FaxMode): Promise<number> {
  const limit = mode === 'tx' ? 60 : 35;
  const hangupAfter = channel.station.hangupAfterSeconds;
  if (hangupAfter !== undefined && hangupAfter < limit) {
    if (await ctx.clock.sleep(hangupAfter, channel.hungUp)) void hangupChannel(ctx, channel, 'NORMAL_CLEARING');
    return T30.CALLDROPPED;
  }
  if (!(await ctx.clock.sleep(limit, channel.hungUp))) return T30.CALLDROPPED;
  return mode === 'tx' ? T30.T0_EXPIRED : T30.T1_EXPIRED;
}

/** rxfax facing a caller that sends nothing never times out (seen on FreeSWITCH 1.10.12): only a hang-up ends it. */
async function silentCaller(ctx: SimContext, channel: Channel): Promise<number> {
  const hangupAfter = channel.station.hangupAfterSeconds;
  if (hangupAfter !== undefined) {
    if (await ctx.clock.sleep(hangupAfter, channel.hungUp)) void hangupChannel(ctx, channel, 'NORMAL_CLEARING');
    return T30.CALLDROPPED;
  }
  await channel.hungUp;
  return T30.CALLDROPPED;
}

/** FNV-1a of the call's uuid: 32 bits to draw on its pages. */
function stampOf(uuid: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < uuid.length; i++) hash = Math.imul(hash ^ uuid.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
