import { randomUUID } from 'node:crypto';
import { executeApi } from './apiCommands.js';
import type { EslConnection } from './eslConnection.js';
import type { EslPacket } from './packetReader.js';
import { packetHeader } from './packetReader.js';
import { apiResponseFrame } from './wireFrames.js';

const LOG_LEVELS: Record<string, number> = {
  console: 0, alert: 1, crit: 2, err: 3, error: 3, warning: 4, notice: 5, info: 6, debug: 7,
};

const words = (text: string): string[] => text.trim().split(/\s+/).filter((word) => word !== '');

/** Runs an API command with the `API` event every api/bgapi fires first (reference §1.7). */
async function runApi(conn: EslConnection, line: string): Promise<{ command: string; args: string; output: string }> {
  const space = line.indexOf(' ');
  const command = space === -1 ? line : line.slice(0, space);
  const args = space === -1 ? '' : line.slice(space + 1);
  const ctx = conn.ctx;
  ctx.hub.fire(
    ctx.events
      .create('API', { file: 'switch_loadable_module.c', func: 'switch_api_execute', line: 2970 })
      .add('API-Command', command)
      .add('API-Command-Argument', args),
  );
  return { command, args, output: await executeApi(ctx, command, args) };
}

/**
 * The commands both socket kinds answer the same way (reference §1.5–1.7). Returns false when
 * `packet` is not one of them. `ownerUuid` is the controlled channel of an outbound socket.
 */
export async function runSharedCommand(conn: EslConnection, packet: EslPacket, ownerUuid?: string): Promise<boolean> {
  const line = packet.command.trim();
  const lower = line.toLowerCase();
  if (lower.startsWith('api ')) {
    await conn.holdingEvents(async () => apiResponseFrame((await runApi(conn, line.slice(4).trim())).output));
  } else if (lower.startsWith('bgapi ')) {
    const jobUuid = packetHeader(packet, 'Job-UUID') ?? randomUUID();
    conn.reply(`+OK Job-UUID: ${jobUuid}`, [['Job-UUID', jobUuid]]);
    void runApi(conn, line.slice(6).trim()).then(({ command, args, output }) => {
      const event = conn.ctx.events
        .create('BACKGROUND_JOB', { file: 'mod_event_socket.c', func: 'api_exec', line: 1572 })
        .add('Job-UUID', jobUuid)
        .add('Job-Owner-UUID', ownerUuid)
        .add('Job-Command', command)
        .add('Job-Command-Arg', args);
      event.body = output;
      conn.ctx.hub.fire(event);
    });
  } else if (lower.startsWith('nixevent')) {
    conn.reply(conn.subscription.unsubscribe(words(line).slice(1)));
    conn.reroute();
  } else if (lower.startsWith('noevents')) {
    conn.reply(conn.subscription.clear() ? '+OK no longer listening for events' : '-ERR not listening for events');
    conn.reroute();
  } else if (lower.startsWith('event')) {
    conn.reply(conn.subscription.subscribe(words(line).slice(1)));
    conn.reroute();
  } else if (lower.startsWith('filter ')) {
    conn.reply(applyFilter(conn, line.slice(7).trim()));
    conn.reroute();
  } else if (lower.startsWith('nolog')) {
    conn.reply(conn.logLevel === undefined ? '-ERR not loging' : '+OK no longer logging');
    conn.logLevel = undefined;
  } else if (lower.startsWith('log')) {
    const level = words(line)[1] ?? 'debug';
    const number = /^\d+$/.test(level) ? Number(level) : LOG_LEVELS[level.toLowerCase()];
    if (number === undefined || number > 7) conn.reply('-ERR invalid log level');
    else conn.reply(`+OK log level ${level} [${(conn.logLevel = number)}]`);
  } else if (lower.startsWith('sendevent')) {
    const event = conn.ctx.events.create(words(line)[1]?.toUpperCase() ?? 'CUSTOM', { file: 'mod_event_socket.c', func: 'parse_command', line: 1950 });
    const eventUuid = randomUUID();
    for (const [name, value] of packet.headers) if (name.toLowerCase() !== 'content-length') event.add(name, value);
    event.add('Event-UUID', eventUuid).body = packet.body;
    conn.ctx.hub.fire(event);
    conn.reply(`+OK ${eventUuid}`);
  } else {
    return false;
  }
  return true;
}

/** `filter [add] <header> <value>` / `filter delete <header> [<value>]` / `filter delete all`. */
function applyFilter(conn: EslConnection, rest: string): string {
  const [first = '', ...others] = rest.split(' ');
  if (first.toLowerCase() === 'delete') {
    const [header = '', ...value] = others.join(' ').trim().split(' ');
    if (header === '') return '-ERR invalid syntax';
    const text = value.join(' ');
    conn.filters.delete(header, text === '' ? undefined : text);
    return `+OK filter deleted. [${header}][${text}]`;
  }
  const [header = '', ...value] = (first.toLowerCase() === 'add' ? others.join(' ') : rest).trim().split(' ');
  const text = value.join(' ');
  if (header === '' || text === '') return '-ERR invalid syntax';
  conn.filters.add(header, text);
  return `+OK filter added. [${header}]=[${text}]`;
}
