import type { FaxView } from '../domain/fax/faxView.js';

const statusWords: Record<string, string> = {
  offered: 'ringing',
  rejected: 'rejected',
  receiving: 'receiving',
  bridging: 'connecting to the PBX',
  bridged: 'passed to the PBX',
  received: 'received',
  interrupted: 'interrupted',
  queued: 'queued',
  dialing: 'dialling',
  sending: 'sending',
  retrying: 'waiting to retry',
  sent: 'sent',
  cancelled: 'cancelled',
  failed: 'failed',
};

export const statusInWords = (status: string) => statusWords[status] ?? status;

/** `2026-12-06 16:01:02 UTC`: the same on every device, sortable, unambiguous. */
/** What the console shows in place of a purged fax's personal data. */
export const purgedInWords = (fax: { purgedAt?: string | undefined }): string => `Purged on ${shortTime(fax.purgedAt) || 'an unknown date'}`;

export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** What happened, in words: the T.30 result text for a finished fax, else its state. */
export function resultInWords(fax: FaxView): string {
  if (fax.status === 'sent') return `Sent${fax.result?.text ? ` (${fax.result.text})` : ''}`;
  if (fax.status === 'received') return `Received${fax.partial ? ' in part' : ''}${fax.result?.text ? ` (${fax.result.text})` : ''}`;
  if (fax.result && fax.status === 'failed') return `Failed: ${fax.result.text || fax.result.reasonClass.replace(/_/g, ' ')}`;
  if (fax.status === 'retrying' && fax.outbound?.retryAt) return `Waiting to retry at ${shortTime(fax.outbound.retryAt)}`;
  const last = fax.outbound?.attemptLog.at(-1);
  if (fax.status === 'failed' && last) return `Failed: ${last.outcome.replace(/_/g, ' ')}`;
  return statusInWords(fax.status).replace(/^./, (c) => c.toUpperCase());
}

/** A timeline's time: to the millisecond, as events of one call are often within the same second. */
export function preciseTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 23).replace('T', ' ')} UTC`;
}

export function durationInWords(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function transportInWords(fax: FaxView): string {
  if (fax.t38Status === 'negotiated') return 'T.38';
  if (fax.t38Status === null) return 'unknown';
  return 'audio';
}
