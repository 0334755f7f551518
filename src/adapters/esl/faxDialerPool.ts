import { randomUUID } from 'node:crypto';
import type { Event } from 'modesl';
import type { Logger } from 'pino';
import type { EslSignal } from '../../domain/fax/faxSignals.js';
import type { FaxDialer, OriginateRequest } from '../../ports/faxDialer.js';
import { eventTime, toEslSignal } from './eslSignals.js';
import { createInboundEslClient, type InboundEslClient } from './inboundEslClient.js';
import { deleteOutcomeRecord, outcomeHook, readOutcomeRecord } from './faxOutcomeRecord.js';
import { originateCommand } from './originateCommand.js';

/** What an outbound fax call needs to hear; CUSTOM and its subclasses last (reference §1.6). */
const outboundCallEvents = [
  'CHANNEL_ANSWER',
  'CHANNEL_HANGUP',
  'BACKGROUND_JOB',
  'CUSTOM',
  'spandsp::txfaxnegociateresult',
  'spandsp::txfaxpageresult',
  'spandsp::txfaxresult',
];
/** A filter value no call has: once any filter exists, only matching events pass (§1.6). */
const matchNothing = 'faxengine-no-call';

interface Followed {
  client: InboundEslClient;
  onSignal: (signal: EslSignal) => void;
  jobUuid?: string;
}

/**
 * A small pool of inbound event-socket connections for sending faxes. Each call is placed on one
 * connection, which then filters on the call's `Unique-ID` (and its originate's `Job-UUID`), so a
 * connection carries only its own calls' events and each event arrives once. Connections
 * reconnect with backoff and re-add their filters; calls that were followed while a connection
 * was down get `esl.connection.lost` so their owner can reconcile them.
 */
export function createFaxDialerPool(options: {
  host: string;
  port: number;
  password: string;
  logger: Logger;
  size?: number;
  timeoutMs?: number;
}): FaxDialer & { connected(): boolean } {
  const calls = new Map<string, Followed>();
  const callsByJob = new Map<string, string>();
  let next = 0;

  const clients: InboundEslClient[] = Array.from({ length: Math.max(1, options.size ?? 2) }, () => {
    const client: InboundEslClient = createInboundEslClient({
      host: options.host,
      port: options.port,
      password: options.password,
      logger: options.logger,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      onEvent: (event) => route(event),
      async onConnected(connected) {
        await Promise.all([
          connected.command(`filter Unique-ID ${matchNothing}`),
          connected.command(`event plain ${outboundCallEvents.join(' ')}`),
          connected.command('nixevent CHANNEL_EXECUTE_COMPLETE'),
        ]);
      },
      onDisconnected: () => {
        const at = new Date().toISOString();
        for (const [callUuid, followed] of calls) {
          if (followed.client !== client) continue;
          calls.delete(callUuid);
          if (followed.jobUuid) callsByJob.delete(followed.jobUuid);
          followed.onSignal({ type: 'esl.connection.lost', at });
        }
      },
    });
    return client;
  });

  function route(event: Event): void {
    const header = (name: string) => event.getHeader(name) ?? undefined;
    if (header('Event-Name') === 'BACKGROUND_JOB') {
      const callUuid = callsByJob.get(header('Job-UUID') ?? '');
      if (!callUuid) return;
      callsByJob.delete(header('Job-UUID')!);
      const body = event.getBody() ?? '';
      // `+OK <uuid>` comes with the answer, which CHANNEL_ANSWER already told; only failures matter.
      if (body.startsWith('-ERR')) {
        calls.get(callUuid)?.onSignal({ type: 'esl.originate.failed', at: eventTime(header), cause: body.slice(4).trim() || 'UNKNOWN' });
      }
      return;
    }
    const followed = calls.get(header('Unique-ID') ?? '');
    if (!followed) return;
    const signal = toEslSignal(header);
    if (signal) followed.onSignal(signal);
  }

  function pick(): InboundEslClient {
    for (let tried = 0; tried < clients.length; tried++) {
      const client = clients[next++ % clients.length]!;
      if (client.connected()) return client;
    }
    return clients[next++ % clients.length]!;
  }

  async function follow(callUuid: string, onSignal: (signal: EslSignal) => void, jobUuid?: string, client = pick()): Promise<InboundEslClient> {
    calls.set(callUuid, { client, onSignal, ...(jobUuid ? { jobUuid } : {}) });
    if (jobUuid) callsByJob.set(jobUuid, callUuid);
    try {
      await Promise.all([
        client.command(`filter Unique-ID ${callUuid}`),
        ...(jobUuid ? [client.command(`filter Job-UUID ${jobUuid}`)] : []),
      ]);
    } catch (error) {
      calls.delete(callUuid);
      if (jobUuid) callsByJob.delete(jobUuid);
      throw error;
    }
    return client;
  }

  return {
    async originate(request: OriginateRequest, onSignal) {
      const jobUuid = randomUUID();
      // FreeSWITCH writes the call's outcome to mod_db at hang-up, for a faxengine that was not
      // listening. The hook holds ${…}: without origination_nested_vars FreeSWITCH drops it.
      const command = `bgapi ${originateCommand(request, { origination_nested_vars: 'true', api_hangup_hook: outcomeHook(request.callUuid) })}`;
      const client = pick();
      // The filters and the originate go out back to back on one socket, without waiting for the
      // filters' replies: FreeSWITCH handles a connection's commands in order, so the call's events
      // are already filtered in when the originate runs.
      try {
        await Promise.all([follow(request.callUuid, onSignal, jobUuid, client), client.command(command, { 'Job-UUID': jobUuid })]);
      } catch (error) {
        this.release(request.callUuid);
        throw error;
      }
    },
    async follow(callUuid, onSignal) {
      await follow(callUuid, onSignal);
    },
    release(callUuid) {
      const followed = calls.get(callUuid);
      if (!followed) return;
      calls.delete(callUuid);
      if (followed.jobUuid) callsByJob.delete(followed.jobUuid);
      if (!followed.client.connected()) return;
      void followed.client.command(`filter delete Unique-ID ${callUuid}`).catch(() => undefined);
      if (followed.jobUuid) void followed.client.command(`filter delete Job-UUID ${followed.jobUuid}`).catch(() => undefined);
    },
    hangup: (callUuid, cause = 'NORMAL_CLEARING') => pick().hangup(callUuid, cause),
    callExists: (callUuid) => pick().callExists(callUuid),
    async isAnswered(callUuid) {
      const dump = await pick().api(`uuid_dump ${callUuid} json`);
      if (!dump.trimStart().startsWith('{')) return false;
      const headers = JSON.parse(dump) as Record<string, string>;
      return headers['Answer-State'] === 'answered' || Number(headers['Caller-Channel-Answered-Time'] ?? 0) > 0;
    },
    recordedOutcome: (callUuid) => readOutcomeRecord((command) => pick().api(command), callUuid),
    forgetOutcome: (callUuid) => deleteOutcomeRecord((command) => pick().api(command), callUuid),
    async overridesFor(destination) {
      const client = pick();
      const realm = `override-${destination}`;
      const keys = (await client.api(`db list/${realm}`)).trim();
      if (keys === '' || keys.startsWith('-')) return {};
      const names = keys.split(',').filter((name) => /^[A-Za-z0-9_]+$/.test(name));
      const values = await Promise.all(names.map((name) => client.api(`db select/${realm}/${name}`)));
      return Object.fromEntries(names.map((name, index) => [name, values[index]!.trim()]));
    },
    async ready() {
      await Promise.race(clients.map((client) => client.ready()));
    },
    /** At least one connection is up and subscribed: a fax can be dialled now (for `/readyz`). */
    connected: () => clients.some((client) => client.connected()),
    async close() {
      await Promise.all(clients.map((client) => client.close()));
    },
  };
}
