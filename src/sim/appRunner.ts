import { randomUUID } from 'node:crypto';
import type { Channel } from './channel.js';
import { fireChannelEvent } from './channelEvents.js';
import { hangupChannel } from './channelOps.js';
import type { SimContext } from './simContext.js';

/** One application to run on a channel, from a sendmsg execute or from the dialplan/originate. */
export interface AppRequest {
  app: string;
  arg?: string;
  /** sendmsg `Event-UUID`: becomes `Application-UUID` (reference §1.8). */
  eventUuid?: string;
  eventUuidName?: string;
  /** sendmsg executions set `current_loop`/`total_loops` around the run. */
  fromSendmsg?: boolean;
}

const queues = new WeakMap<Channel, Promise<void>>();
const IDLE = Promise.resolve();

/** Applications FreeSWITCH still runs on a hung-up channel (SAF_ZOMBIE_EXEC): osock-badapp.raw. */
const ZOMBIE_APPS: ReadonlySet<string> = new Set(['set', 'unset', 'export', 'multiset', 'log']);

/**
 * Queues an application on the channel; applications run one after another, and queued ones are
 * skipped without events once the channel hung up, except the few FreeSWITCH runs on a dead
 * channel (`set` and its kin).
 */
export function enqueueApp(ctx: SimContext, channel: Channel, request: AppRequest): Promise<void> {
  const previous = queues.get(channel) ?? Promise.resolve();
  // Zombie apps run only until the hangup is reported (the channel leaves CS_EXECUTE).
  const runs = (): boolean => !channel.isHungUp || (ZOMBIE_APPS.has(request.app) && channel.runningState === 'CS_EXECUTE');
  const next = previous.then(() => (runs() ? executeApp(ctx, channel, request) : undefined));
  queues.set(channel, next.catch(() => undefined));
  return next;
}

/** Whether any application was ever queued on the channel. */
export const hasApps = (channel: Channel): boolean => queues.has(channel);

/** Resolves when the running application and everything queued so far are done. */
export function appsIdle(channel: Channel): Promise<void> {
  // The same promise while nothing new is queued, so callers can tell whether more came.
  return queues.get(channel) ?? IDLE;
}

/**
 * `switch_core_session_exec` (reference §1.8): sets the bookkeeping variables, fires
 * CHANNEL_EXECUTE, runs the app and fires CHANNEL_EXECUTE_COMPLETE even if the channel hung up
 * meanwhile. An unknown application fires nothing; named in a sendmsg it hangs the call up with
 * DESTINATION_OUT_OF_ORDER (osock-badapp.raw), so nothing queued after it runs.
 */
export async function executeApp(ctx: SimContext, channel: Channel, request: AppRequest): Promise<void> {
  const application = ctx.applications.get(request.app);
  const appUuid = request.eventUuid ?? randomUUID();
  if (request.eventUuid) channel.setVar('app_uuid', request.eventUuid);
  if (request.fromSendmsg) {
    channel.setVar('current_loop', 1);
    channel.setVar('total_loops', 1);
  }
  if (!application) {
    if (request.fromSendmsg) {
      void hangupChannel(ctx, channel, 'DESTINATION_OUT_OF_ORDER');
      channel.setVar('current_loop', undefined);
      channel.setVar('total_loops', undefined);
    }
    return;
  }
  const data = channel.expand(request.arg ?? '');
  channel.setVar('current_application_data', data);
  channel.setVar('current_application', request.app);
  channel.setVar('current_application_response', undefined);
  fireChannelEvent(ctx, channel, 'CHANNEL_EXECUTE', {
    after: [
      ['Application', request.app],
      ['Application-Data', data],
      ['Application-UUID', appUuid],
      ['Application-UUID-Name', request.eventUuidName],
    ],
  });
  await application(ctx, channel, data);
  fireChannelEvent(ctx, channel, 'CHANNEL_EXECUTE_COMPLETE', {
    after: [
      ['Application', request.app],
      ['Application-Data', data],
      ['Application-Response', channel.getVar('current_application_response') ?? '_none_'],
      ['Application-UUID', appUuid],
      ['Application-UUID-Name', request.eventUuidName],
    ],
  });
  if (request.fromSendmsg) {
    channel.setVar('current_loop', undefined);
    channel.setVar('total_loops', undefined);
  }
}
