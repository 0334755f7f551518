import esl, { type Connection, type Event } from 'modesl';
import type { Logger } from 'pino';
import { CallControlUnavailableError, type CallControl } from '../../ports/callControl.js';
import { installModeslPatches } from './modeslPatches.js';

export interface InboundEslOptions {
  host: string;
  port: number;
  password: string;
  logger: Logger;
  /** Per-command deadline. */
  timeoutMs?: number;
  /** First reconnect delay; doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Every event the connection receives (after FreeSWITCH's own filters). */
  onEvent?: (event: Event) => void;
  /** Runs after each (re)connect, before `ready()` resolves: subscriptions and filters go here. */
  onConnected?: (client: InboundEslClient) => Promise<void>;
  /** Called when the connection is lost (events may have been missed until the next onConnected). */
  onDisconnected?: () => void;
}

export interface InboundEslClient extends CallControl {
  connected(): boolean;
  ready(): Promise<void>;
  /** Sends a command (with optional headers) and answers FreeSWITCH's Reply-Text; `-ERR` rejects. */
  command(text: string, headers?: Record<string, string>): Promise<string>;
}

/**
 * One inbound event-socket connection to FreeSWITCH (mod_event_socket) that reconnects with
 * exponential backoff. Commands fail fast with CallControlUnavailableError while disconnected,
 * rather than queueing: their callers decide whether to retry.
 */
export function createInboundEslClient(options: InboundEslOptions): InboundEslClient {
  installModeslPatches();
  const timeoutMs = options.timeoutMs ?? 5000;
  let connection: Connection | undefined;
  let connected = false;
  /** Connected and `onConnected` done. */
  let prepared = false;
  let closed = false;
  let backoff = options.backoffMs ?? 250;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let readyWaiters: Array<() => void> = [];

  function connect(): void {
    const attempt = new esl.Connection(options.host, options.port, options.password, () => {
      connection = attempt;
      connected = true;
      backoff = options.backoffMs ?? 250;
      options.logger.info({ host: options.host, port: options.port }, 'connected to FreeSWITCH event socket');
      void (options.onConnected?.(client) ?? Promise.resolve()).then(
        () => {
          if (connection !== attempt) return;
          prepared = true;
          for (const resolve of readyWaiters.splice(0)) resolve();
        },
        (error: unknown) => {
          options.logger.error({ err: error }, 'could not prepare the FreeSWITCH event socket; reconnecting');
          attempt.socket?.destroy();
        },
      );
    });
    if (options.onEvent) {
      const onEvent = options.onEvent;
      attempt.on('esl::event::**', (event: Event, headers?: Record<string, string>) => {
        if (headers?.['Content-Type']?.startsWith('text/event-')) onEvent(event);
      });
    }
    const lost = (reason: string) => {
      if (attempt !== connection && connected) return;
      const wasConnected = connected;
      connected = false;
      prepared = false;
      connection = undefined;
      if (wasConnected) options.onDisconnected?.();
      if (closed || reconnectTimer) return;
      options.logger.warn({ reason, retryInMs: backoff }, 'FreeSWITCH event socket unavailable; reconnecting');
      reconnectTimer = setTimeout(() => {
        reconnectTimer = undefined;
        connect();
      }, backoff);
      backoff = Math.min(backoff * 2, options.maxBackoffMs ?? 10_000);
    };
    attempt.on('error', (error: Error) => lost(error.message));
    attempt.on('esl::end', () => lost('connection closed'));
    attempt.on('esl::event::auth::fail', () => {
      options.logger.error('FreeSWITCH refused the event socket password (FAXENGINE_FREESWITCH_PASSWORD)');
      lost('authentication failed');
    });
  }

  function api(command: string): Promise<string> {
    const current = connection;
    if (!current || !connected) return Promise.reject(new CallControlUnavailableError(`FreeSWITCH not connected (api ${command.split(' ')[0]})`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new CallControlUnavailableError(`FreeSWITCH did not answer api ${command.split(' ')[0]} in ${timeoutMs} ms`)), timeoutMs);
      const [name = '', ...args] = command.split(' ');
      current.api(name, args.join(' '), (reply) => {
        clearTimeout(timer);
        resolve(reply.getBody() ?? '');
      });
    });
  }

  function command(text: string, headers?: Record<string, string>): Promise<string> {
    const current = connection;
    const name = text.split(' ')[0];
    if (!current || !connected) return Promise.reject(new CallControlUnavailableError(`FreeSWITCH not connected (${name})`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new CallControlUnavailableError(`FreeSWITCH did not answer ${name} in ${timeoutMs} ms`)), timeoutMs);
      current.sendRecv(text, headers ?? null, (reply) => {
        clearTimeout(timer);
        const replyText = reply.getHeader('Reply-Text') ?? '';
        if (replyText.startsWith('-ERR')) reject(new Error(`${name}: ${replyText}`));
        else resolve(replyText);
      });
    });
  }

  const client: InboundEslClient = {
    api,
    command,
    connected: () => prepared,
    ready: () => (prepared ? Promise.resolve() : new Promise<void>((resolve) => readyWaiters.push(resolve))),
    async callExists(uuid) {
      return (await api(`uuid_exists ${uuid}`)).trim() === 'true';
    },
    async hangup(uuid, cause = 'NORMAL_CLEARING') {
      await api(`uuid_kill ${uuid} ${cause}`);
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      connection?.disconnect();
      connection = undefined;
      connected = false;
      prepared = false;
    },
  };
  connect();
  return client;
}
