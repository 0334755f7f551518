import { enqueueApp, type AppRequest } from './appRunner.js';
import type { Channel } from './channel.js';
import { hangupChannel } from './channelOps.js';
import { packetHeader, type EslPacket } from './packetReader.js';
import type { SimContext } from './simContext.js';

/** The channel a sendmsg addresses: `sendmsg <uuid>`, else the `session-id` header, else the default. */
export function sendmsgTarget(ctx: SimContext, packet: EslPacket, fallback?: Channel): { channel?: Channel; uuid: string } {
  const uuid = packet.command.trim().split(/\s+/)[1] ?? packetHeader(packet, 'session-id');
  if (uuid === undefined || uuid === fallback?.uuid) return { channel: fallback, uuid: uuid ?? '' };
  return { channel: ctx.channels.get(uuid), uuid };
}

/**
 * Applies one sendmsg (reference §1.8) and resolves when the application finished: `execute`
 * queues the app with the Event-UUID correlation, `hangup` hangs up with `hangup-cause`.
 */
export function runSendmsg(ctx: SimContext, channel: Channel, packet: EslPacket): Promise<void> {
  const command = packetHeader(packet, 'call-command')?.toLowerCase() ?? '';
  if (command === 'hangup') {
    void hangupChannel(ctx, channel, packetHeader(packet, 'hangup-cause') ?? 'NORMAL_CLEARING');
    return Promise.resolve();
  }
  if (command !== 'execute') return Promise.resolve();
  const app = packetHeader(packet, 'execute-app-name');
  if (!app) return Promise.resolve();
  const bodyArg = packetHeader(packet, 'content-type') === 'text/plain' ? packet.body : undefined;
  const request: AppRequest = {
    app,
    arg: packetHeader(packet, 'execute-app-arg') ?? bodyArg,
    eventUuid: packetHeader(packet, 'Event-UUID'),
    eventUuidName: packetHeader(packet, 'Event-UUID-Name'),
    fromSendmsg: true,
  };
  return enqueueApp(ctx, channel, request);
}
