import type { Channel } from './channel.js';
import type { EslEvent } from './eslEvent.js';

/** `switch_caller_profile_event_set_data`: empty fields are skipped, times always present (reference §2.2). */
export function addCallerProfile(event: EslEvent, channel: Channel, prefix: string): void {
  const p = channel.profile;
  const t = channel.times;
  event
    .add(`${prefix}-Direction`, channel.direction)
    .add(`${prefix}-Logical-Direction`, channel.direction)
    .add(`${prefix}-Username`, p.username)
    .add(`${prefix}-Dialplan`, p.dialplan)
    .add(`${prefix}-Caller-ID-Name`, p.callerIdName)
    .add(`${prefix}-Caller-ID-Number`, p.callerIdNumber)
    .add(`${prefix}-Orig-Caller-ID-Name`, p.origCallerIdName ?? p.callerIdName)
    .add(`${prefix}-Orig-Caller-ID-Number`, p.origCallerIdNumber ?? p.callerIdNumber)
    .add(`${prefix}-Callee-ID-Name`, p.calleeIdName)
    .add(`${prefix}-Callee-ID-Number`, p.calleeIdNumber)
    .add(`${prefix}-Network-Addr`, p.networkAddr)
    .add(`${prefix}-ANI`, p.ani)
    .add(`${prefix}-Destination-Number`, p.destinationNumber)
    .add(`${prefix}-Unique-ID`, channel.uuid)
    .add(`${prefix}-Source`, p.source)
    .add(`${prefix}-Context`, p.context)
    .add(`${prefix}-RDNIS`, p.rdnis)
    .add(`${prefix}-Channel-Name`, channel.name)
    .add(`${prefix}-Profile-Index`, '1')
    .add(`${prefix}-Profile-Created-Time`, t.profileCreated)
    .add(`${prefix}-Channel-Created-Time`, t.created)
    .add(`${prefix}-Channel-Answered-Time`, t.answered)
    .add(`${prefix}-Channel-Progress-Time`, t.progress)
    .add(`${prefix}-Channel-Progress-Media-Time`, t.progressMedia)
    .add(`${prefix}-Channel-Hangup-Time`, t.hangup)
    .add(`${prefix}-Channel-Transfer-Time`, 0)
    .add(`${prefix}-Channel-Resurrect-Time`, 0)
    .add(`${prefix}-Channel-Bridged-Time`, t.bridged)
    .add(`${prefix}-Channel-Last-Hold`, 0)
    .add(`${prefix}-Channel-Hold-Accum`, 0)
    .add(`${prefix}-Screen-Bit`, 'true')
    .add(`${prefix}-Privacy-Hide-Name`, 'false')
    .add(`${prefix}-Privacy-Hide-Number`, 'false');
}

/** `switch_channel_event_set_data`: basic data, caller profile, then `variable_*` if wanted (reference §2.2). */
export function addChannelData(event: EslEvent, channel: Channel, withVariables: boolean): void {
  event
    .add('Channel-State', channel.runningState)
    .add('Channel-Call-State', channel.callState)
    .add('Channel-State-Number', channel.stateNumber)
    .add('Channel-Name', channel.name)
    .add('Unique-ID', channel.uuid)
    .add('Call-Direction', channel.direction)
    .add('Presence-Call-Direction', channel.direction)
    .add('Channel-HIT-Dialplan', channel.hitDialplan ? 'true' : 'false')
    .add('Channel-Call-UUID', channel.callUuid ?? channel.uuid)
    .add('Answer-State', channel.answerState)
    .add('Hangup-Cause', channel.hangupCause);
  if (channel.readCodec) {
    event
      .add('Channel-Read-Codec-Name', channel.readCodec.name)
      .add('Channel-Read-Codec-Rate', channel.readCodec.rate)
      .add('Channel-Read-Codec-Bit-Rate', channel.readCodec.bitRate);
  }
  if (channel.writeCodec) {
    event
      .add('Channel-Write-Codec-Name', channel.writeCodec.name)
      .add('Channel-Write-Codec-Rate', channel.writeCodec.rate)
      .add('Channel-Write-Codec-Bit-Rate', channel.writeCodec.bitRate);
  }
  addCallerProfile(event, channel, 'Caller');
  if (!withVariables) return;
  for (const [name, value] of channel.variables) event.add(`variable_${name}`, value);
}
