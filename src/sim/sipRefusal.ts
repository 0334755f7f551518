import type { Channel } from './channel.js';
import type { Station } from './scenario.js';

/** The SIP status a refusal arrives with when the scenario names none (freeswitch-captures busy.raw, reject.raw). */
const defaultStatus: Readonly<Record<string, number>> = { USER_BUSY: 486, CALL_REJECTED: 603 };

const phrases: Readonly<Record<number, string>> = {
  403: 'Forbidden',
  404: 'Not Found',
  480: 'Temporarily Unavailable',
  486: 'Busy Here',
  503: 'Service Unavailable',
  603: 'Decline',
};

/**
 * The variables sofia sets on a leg whose INVITE got a final error response, as a real FreeSWITCH
 * shows them on CHANNEL_HANGUP. The hangup cause is the scenario's, which may disagree with the
 * status: a carrier's `Reason: Q.850;cause=16` turns a 480 into NORMAL_CLEARING.
 */
export function markSipRefusal(channel: Channel, station: Station, cause: string): void {
  const status = station.sipStatus ?? defaultStatus[cause];
  if (status === undefined) return;
  channel.setVar('sip_hangup_disposition', 'recv_refuse');
  channel.setVar('sip_invite_failure_status', status);
  channel.setVar('sip_invite_failure_phrase', phrases[status] ?? 'Error');
  channel.setVar('sip_term_status', status);
  channel.setVar('proto_specific_hangup_cause', `sip:${status}`);
}
