import { randomUUID } from 'node:crypto';
import type { Connection, Event } from 'modesl';
import type { EslSignal } from '../../domain/fax/faxSignals.js';
import type { CallOffer } from '../../domain/fax/inboundFaxEvents.js';
import { inboundCallEvents, toEslSignal } from './eslSignals.js';
import { outcomeHook } from './faxOutcomeRecord.js';

/** One inbound call on its outbound-socket connection, as the runtime sees it. */
export interface InboundCallSession {
  readonly offer: CallOffer;
  /** Signals for this call, in the order FreeSWITCH sent them. */
  onSignal(listener: (signal: EslSignal) => void): void;
  /** Queues a dialplan application (sendmsg execute, event-lock); resolves when FreeSWITCH accepted it. */
  execute(app: string, arg?: string): Promise<void>;
  /**
   * Hangs the call up at once (`api uuid_kill`): a queued `hangup` would wait behind rxfax, which
   * facing silence never returns.
   */
  hangup(cause: string): Promise<void>;
  /** Has FreeSWITCH write the call's fax outcome to mod_db at hang-up (see faxOutcomeRecord). */
  rememberOutcome(): Promise<void>;
  /** Ends our side of the socket (FreeSWITCH keeps lingering events until it closes). */
  close(): void;
}

/** Which configured FreeSWITCH node a call came from, by its connect reply's headers and the socket's peer address. */
export type CallNodeOf = (header: (name: string) => string | undefined, remoteAddress: string | undefined) => string | undefined;

/**
 * Prepares a freshly connected outbound socket (modesl already sent `connect`): `linger`, so the
 * spandsp result that follows a hang-up still reaches us; a `Unique-ID` filter; and one plain
 * subscription with CUSTOM and its subclasses last (plain events are read a header at a time:
 * plainBackedEvent.ts). Every command goes through `sendRecv`, so
 * modesl's FIFO reply matching never shifts (its `execute()` sends without queueing a callback).
 */
export async function openInboundCallSession(connection: Connection, nodeOf?: CallNodeOf): Promise<InboundCallSession> {
  const info = connection.getInfo();
  const header = (name: string) => info.getHeader(name) || undefined;
  const node = nodeOf?.(header, connection.socket?.remoteAddress);
  const uuid = header('Unique-ID');
  if (!uuid) throw new Error('outbound socket connect reply has no Unique-ID');

  const command = (text: string, args?: Record<string, string>) =>
    new Promise<Event>((resolve, reject) => {
      if (!connection.socket) return reject(new Error(`socket for ${uuid} is closed`));
      connection.sendRecv(text, args ?? null, (reply) => {
        const replyText = reply.getHeader('Reply-Text') ?? '';
        if (replyText.startsWith('-ERR')) reject(new Error(`${text.split(' ')[0]}: ${replyText}`));
        else resolve(reply);
      });
    });

  const listeners: Array<(signal: EslSignal) => void> = [];
  const buffered: EslSignal[] = [];
  let hungUp = false;
  const deliver = (signal: EslSignal) => {
    if (signal.type === 'esl.channel.hangup') hungUp = true;
    if (listeners.length === 0) buffered.push(signal);
    else for (const listener of listeners) listener(signal);
  };

  connection.on('esl::event::**', (event: Event, headers?: Record<string, string>) => {
    if (!headers?.['Content-Type']?.startsWith('text/event-')) return;
    if (event.getHeader('Unique-ID') !== uuid) return;
    const signal = toEslSignal((name) => event.getHeader(name));
    if (signal) deliver(signal);
  });
  // 'close' rather than modesl's esl::end: a reset socket closes without ending.
  connection.socket?.once('close', () => {
    if (!hungUp) deliver({ type: 'esl.connection.lost', at: new Date().toISOString() });
  });

  // Pipelined: FreeSWITCH handles a socket's commands in order and modesl matches replies in
  // order, so one round trip sets the call up instead of four.
  await Promise.all([
    command('linger'),
    command(`filter Unique-ID ${uuid}`),
    command(`event plain ${inboundCallEvents.join(' ')}`),
    // modesl subscribed CHANNEL_EXECUTE_COMPLETE for its execute() callbacks, which we never use:
    // one per dialplan app, it would double the events each call parses.
    command('nixevent CHANNEL_EXECUTE_COMPLETE'),
  ]);

  return {
    offer: {
      callUuid: uuid,
      callerNumber: header('Caller-Caller-ID-Number') ?? '',
      ...optional('callerName', header('Caller-Caller-ID-Name')),
      ...optional('toUser', header('variable_sip_to_user')),
      ...optional('diversion', header('variable_sip_h_Diversion')),
      ...optional('sourceIp', header('variable_sip_network_ip')),
      ...optional('gatewayName', header('variable_sip_gateway') ?? header('variable_sip_gateway_name')),
      ...optional('node', node),
    },
    onSignal(listener) {
      listeners.push(listener);
      for (const signal of buffered.splice(0)) listener(signal);
    },
    async execute(app, arg = '') {
      const safeArg = arg.replace(/[\r\n]/g, ' ');
      await command(`sendmsg ${uuid}`, {
        'call-command': 'execute',
        'execute-app-name': app,
        ...(safeArg ? { 'execute-app-arg': safeArg } : {}),
        'event-lock': 'true',
        'Event-UUID': randomUUID(),
      });
    },
    hangup(cause) {
      return new Promise<void>((resolve, reject) => {
        if (!connection.socket) return reject(new Error(`socket for ${uuid} is closed`));
        connection.api('uuid_kill', `${uuid} ${cause}`, (reply) => {
          const body = reply.getBody() ?? '';
          if (body.startsWith('-ERR')) reject(new Error(`uuid_kill: ${body.trim()}`));
          else resolve();
        });
      });
    },
    async rememberOutcome() {
      // `uuid_setvar` stores the value as is; `set` would expand the hook's ${…} at once.
      await command(`api uuid_setvar ${uuid} api_hangup_hook ${outcomeHook(uuid)}`);
    },
    close() {
      connection.socket?.end();
    },
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
