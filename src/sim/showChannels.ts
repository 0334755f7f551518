import type { Channel } from './channel.js';
import type { SimContext } from './simContext.js';

const COLUMNS = [
  'uuid', 'direction', 'created', 'created_epoch', 'name', 'state', 'cid_name', 'cid_num', 'ip_addr',
  'dest', 'application', 'application_data', 'dialplan', 'context', 'read_codec', 'read_rate',
  'read_bit_rate', 'write_codec', 'write_rate', 'write_bit_rate', 'secure', 'hostname', 'presence_id',
  'presence_data', 'accountcode', 'callstate', 'callee_name', 'callee_num', 'callee_direction',
  'call_uuid', 'sent_callee_name', 'sent_callee_num', 'initial_cid_name', 'initial_cid_num',
  'initial_ip_addr', 'initial_dest', 'initial_dialplan', 'initial_context',
] as const;

function row(ctx: SimContext, channel: Channel): Record<string, string> {
  const createdSeconds = Math.floor(channel.times.created / 1_000_000);
  const created = new Date(createdSeconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
  const p = channel.profile;
  const values: Record<string, string> = {
    uuid: channel.uuid, direction: channel.direction, created, created_epoch: String(createdSeconds),
    name: channel.name, state: channel.runningState, cid_name: p.callerIdName, cid_num: p.callerIdNumber,
    ip_addr: p.networkAddr, dest: p.destinationNumber, application: channel.getVar('current_application') ?? '',
    application_data: channel.getVar('current_application_data') ?? '', dialplan: p.dialplan, context: p.context,
    read_codec: channel.readCodec?.name ?? '', read_rate: String(channel.readCodec?.rate ?? ''),
    read_bit_rate: String(channel.readCodec?.bitRate ?? ''), write_codec: channel.writeCodec?.name ?? '',
    write_rate: String(channel.writeCodec?.rate ?? ''), write_bit_rate: String(channel.writeCodec?.bitRate ?? ''),
    hostname: ctx.events.core.hostname, callstate: channel.callState, call_uuid: channel.callUuid ?? '',
    initial_cid_name: p.callerIdName, initial_cid_num: p.callerIdNumber, initial_ip_addr: p.networkAddr,
    initial_dest: p.destinationNumber, initial_dialplan: p.dialplan, initial_context: p.context,
  };
  return Object.fromEntries(COLUMNS.map((column) => [column, values[column] ?? '']));
}

/** `show channels [as json]` in mod_commands' CSV or JSON layout. */
export function showChannels(ctx: SimContext, args: string): string {
  const rows = ctx.channels.list().map((channel) => row(ctx, channel));
  if (/\bas\s+json\b/i.test(args)) {
    return rows.length === 0 ? '{"row_count":0}\n' : `${JSON.stringify({ row_count: rows.length, rows })}\n`;
  }
  // With no channel FreeSWITCH prints no column line at all (proto.raw: "\n0 total.\n").
  if (rows.length === 0) return '\n0 total.\n';
  const lines = [COLUMNS.join(','), ...rows.map((values) => COLUMNS.map((column) => values[column]).join(','))];
  return `${lines.join('\n')}\n\n${rows.length} total.\n`;
}
