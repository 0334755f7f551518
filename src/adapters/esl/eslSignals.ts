import type { EslSignal } from '../../domain/fax/faxSignals.js';
import type { T38Status } from '../../domain/fax/inboundFaxEvents.js';
import { pixelsPerMetreToDpi } from '../../domain/fax/pixelsPerMetre.js';

/** Header lookup of one ESL event (JSON events are flat name → string maps). */
export type EslHeaders = (name: string) => string | undefined;

type Translate = (header: EslHeaders, at: string) => EslSignal | undefined;

const int = (value: string | undefined): number => {
  const parsed = Number.parseInt(value ?? '', 10);
  return Number.isFinite(parsed) ? parsed : 0;
};
const t38 = (value: string | undefined): T38Status =>
  value === 'negotiated' || value === 'requested' || value === 'refused' ? value : 'off';
const optional = (value: string | undefined): string | undefined => (value && value.trim() !== '' ? value.trim() : undefined);

const negotiated: Translate = (header, at) => ({
  type: 'esl.fax.negotiated',
  at,
  transferRate: int(header('fax-transfer-rate')),
  ecm: header('fax-ecm-used') === 'on',
  t38Status: t38(header('fax-t38-status')),
  remoteIdent: optional(header('fax-remote-station-id')),
  localIdent: optional(header('fax-local-station-id')),
});

const page: Translate = (header, at) => ({
  type: 'esl.fax.page',
  at,
  page: int(header('fax-document-transferred-pages')),
  resolution: pixelsPerMetreToDpi(header('fax-image-resolution') ?? '0x0'),
  badRows: int(header('fax-bad-rows')),
  longestBadRowRun: int(header('fax-longest-bad-row-run')),
  encoding: header('fax-encoding-name') ?? 'unknown',
  imageBytes: int(header('fax-image-size')),
});

const result: Translate = (header, at) => ({
  type: 'esl.fax.result',
  at,
  success: header('fax-success') === '1',
  code: int(header('fax-result-code')),
  text: header('fax-result-text') ?? '',
  pages: int(header('fax-document-transferred-pages')),
  t38Status: t38(header('fax-t38-status')),
  transferRate: int(header('fax-transfer-rate')),
  badRows: int(header('fax-bad-rows')),
  remoteIdent: optional(header('fax-remote-station-id')),
});

/**
 * The one table from FreeSWITCH events to machine signals (DESIGN.md: header names stop here).
 * spandsp's subclasses are the same for rx and tx ("negociate" is FreeSWITCH's spelling).
 */
const byEventName: Record<string, Translate> = {
  CHANNEL_ANSWER: (_, at) => ({ type: 'esl.channel.answered', at }),
  CHANNEL_HANGUP: (header, at) => {
    // sofia sets sip_term_status on a final response; the INVITE's failure status is the same code
    // under another name (freeswitch-captures/busy.raw), kept as a fallback.
    const status = Number.parseInt(header('variable_sip_term_status') ?? header('variable_sip_invite_failure_status') ?? '', 10);
    const disposition = optional(header('variable_sip_hangup_disposition'));
    return {
      type: 'esl.channel.hangup',
      at,
      cause: header('Hangup-Cause') ?? 'UNKNOWN',
      ...(Number.isFinite(status) && status > 0 ? { sipStatus: status } : {}),
      ...(disposition ? { sipDisposition: disposition } : {}),
    };
  },
};
const bySubclass: Record<string, Translate> = {
  'spandsp::rxfaxnegociateresult': negotiated,
  'spandsp::txfaxnegociateresult': negotiated,
  'spandsp::rxfaxpageresult': page,
  'spandsp::txfaxpageresult': page,
  'spandsp::rxfaxresult': result,
  'spandsp::txfaxresult': result,
};

/** Translates one ESL event, or returns undefined for events no machine cares about. */
export function toEslSignal(header: EslHeaders): EslSignal | undefined {
  const name = header('Event-Name');
  const translate = name === 'CUSTOM' ? bySubclass[header('Event-Subclass') ?? ''] : byEventName[name ?? ''];
  return translate?.(header, eventTime(header));
}

/** `Event-Date-Timestamp` is microseconds since the epoch. */
export function eventTime(header: EslHeaders): string {
  const micros = Number(header('Event-Date-Timestamp'));
  return new Date(Number.isFinite(micros) && micros > 0 ? Math.floor(micros / 1000) : Date.now()).toISOString();
}

/** The subscription an inbound-call socket needs; CUSTOM and its subclasses must come last (§1.6). */
export const inboundCallEvents = [
  'CHANNEL_ANSWER',
  'CHANNEL_HANGUP',
  'CUSTOM',
  'spandsp::rxfaxnegociateresult',
  'spandsp::rxfaxpageresult',
  'spandsp::rxfaxresult',
] as const;
