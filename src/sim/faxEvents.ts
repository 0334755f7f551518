import type { Channel } from './channel.js';
import { fireChannelEvent } from './channelEvents.js';
import type { EventOrigin } from './eventFactory.js';
import type { SimContext } from './simContext.js';
import { t30Text } from './t30Codes.js';

export type FaxMode = 'rx' | 'tx';
export type T38Status = 'off' | 'negotiated' | 'requested' | 'refused';

/** What phase B agreed on (reference §3.4, §3.5). */
export interface Negotiation {
  rate: number;
  ecm: boolean;
  t38Status: T38Status;
  localId: string;
  remoteId: string;
  totalPages: number;
}

/** Statistics of one transferred page (phase D). */
export interface PageStats {
  transferred: number;
  totalPages: number;
  resolution: string;
  fileResolution: string;
  pixelSize: string;
  imageSize: number;
  badRows: number;
  longestBadRun: number;
  encoding: number;
  encodingName: string;
}

/** Phase E summary. */
export interface FaxOutcome extends Negotiation {
  code: number;
  transferred: number;
  resolution: string;
  imageSize: number;
  badRows: number;
}

const origin = (func: string, line: number): EventOrigin => ({ file: 'mod_spandsp_fax.c', func, line });
const subclass = (mode: FaxMode, kind: string): string => `spandsp::${mode}fax${kind}`;
const onOff = (on: boolean): string => (on ? 'on' : 'off');
const remote = (n: Negotiation): string => n.remoteId.trim();

/** phase_b_handler: variables first, then `…negociateresult` with its headers in order (reference §3.5). */
export function firePhaseB(ctx: SimContext, channel: Channel, mode: FaxMode, n: Negotiation): void {
  const tx = mode === 'tx';
  channel.setVar('fax_transfer_rate', n.rate);
  if (tx) channel.setVar('fax_document_total_pages', n.totalPages);
  channel.setVar('fax_ecm_used', onOff(n.ecm));
  channel.setVar('fax_t38_status', n.t38Status);
  channel.setVar('fax_local_station_id', n.localId);
  channel.setVar('fax_remote_station_id', remote(n));
  fireChannelEvent(ctx, channel, 'CUSTOM', {
    subclass: subclass(mode, 'negociateresult'),
    origin: origin('phase_b_handler', 386),
    after: [
      ['uuid', channel.uuid],
      ['fax-transfer-rate', n.rate],
      ['fax-ecm-used', onOff(n.ecm)],
      ['fax-t38-status', n.t38Status],
      ['fax-local-station-id', n.localId],
      ['fax-remote-station-id', remote(n)],
      ['fax-document-total-pages', tx ? n.totalPages : undefined],
    ],
  });
}

/** phase_d_handler: one `…pageresult` per page (reference §3.5). */
export function firePhaseD(ctx: SimContext, channel: Channel, mode: FaxMode, page: PageStats): void {
  const tx = mode === 'tx';
  channel.setVar('fax_image_resolution', page.resolution);
  channel.setVar('fax_file_image_resolution', page.fileResolution);
  channel.setVar('fax_image_pixel_size', page.pixelSize);
  channel.setVar('fax_file_image_pixel_size', page.pixelSize);
  channel.setVar('fax_image_size', page.imageSize);
  channel.setVar('fax_bad_rows', page.badRows);
  channel.setVar('fax_longest_bad_row_run', page.longestBadRun);
  channel.setVar('fax_encoding', page.encoding);
  channel.setVar('fax_encoding_name', page.encodingName);
  channel.setVar('fax_document_transferred_pages', page.transferred);
  if (tx) channel.setVar('fax_document_total_pages', page.totalPages);
  fireChannelEvent(ctx, channel, 'CUSTOM', {
    subclass: subclass(mode, 'pageresult'),
    origin: origin('phase_d_handler', 521),
    after: [
      ['uuid', channel.uuid],
      ['fax-document-transferred-pages', page.transferred],
      ['fax-document-total-pages', tx ? page.totalPages : undefined],
      ['fax-image-resolution', page.resolution],
      ['fax-file-image-resolution', page.fileResolution],
      ['fax-image-size', page.imageSize],
      ['fax-image-pixel-size', page.pixelSize],
      ['fax-file-image-pixel-size', page.pixelSize],
      ['fax-bad-rows', page.badRows],
      ['fax-longest-bad-row-run', page.longestBadRun],
      ['fax-encoding', page.encoding],
      ['fax-encoding-name', page.encodingName],
    ],
  });
}

/** phase_e_handler: exactly one `…result` per fax run, no `uuid` header (reference §3.5). */
export function firePhaseE(ctx: SimContext, channel: Channel, mode: FaxMode, r: FaxOutcome): void {
  const success = r.code === 0 ? 1 : 0;
  channel.setVar('fax_success', success);
  channel.setVar('fax_result_code', r.code);
  channel.setVar('fax_result_text', t30Text(r.code));
  channel.setVar('fax_ecm_used', onOff(r.ecm));
  channel.setVar('fax_t38_status', r.t38Status);
  channel.setVar('fax_local_station_id', r.localId);
  channel.setVar('fax_remote_station_id', remote(r));
  channel.setVar('fax_document_transferred_pages', r.transferred);
  channel.setVar('fax_document_total_pages', r.totalPages);
  channel.setVar('fax_image_resolution', r.resolution);
  channel.setVar('fax_image_size', r.imageSize);
  channel.setVar('fax_bad_rows', r.badRows);
  channel.setVar('fax_transfer_rate', r.rate);
  fireChannelEvent(ctx, channel, 'CUSTOM', {
    subclass: subclass(mode, 'result'),
    origin: origin('phase_e_handler', 676),
    after: [
      ['fax-success', success],
      ['fax-result-code', r.code],
      ['fax-result-text', t30Text(r.code)],
      ['fax-document-transferred-pages', r.transferred],
      ['fax-document-total-pages', r.totalPages],
      ['fax-image-resolution', r.resolution],
      ['fax-image-size', r.imageSize],
      ['fax-bad-rows', r.badRows],
      ['fax-transfer-rate', r.rate],
      ['fax-ecm-used', onOff(r.ecm)],
      ['fax-t38-status', r.t38Status],
      ['fax-local-station-id', r.localId],
      ['fax-remote-station-id', remote(r)],
    ],
  });
}
