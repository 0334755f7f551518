import type { Channel } from './channel.js';
import { channelEvent } from './channelEvents.js';
import { hangupChannel } from './channelOps.js';
import { originateApi } from './originate.js';
import { showChannels } from './showChannels.js';
import type { SimContext } from './simContext.js';

type ApiCommand = (ctx: SimContext, args: string) => string | Promise<string>;

const NO_CHANNEL = '-ERR No such channel!\n';

function withChannel(ctx: SimContext, args: string, run: (channel: Channel, rest: string[]) => string): string {
  const [uuid = '', ...rest] = args.trim().split(/\s+/);
  const channel = ctx.channels.get(uuid);
  return channel && !channel.isHungUp ? run(channel, rest) : NO_CHANNEL;
}

function uptime(ctx: SimContext): string {
  let ms = Date.now() - ctx.startedAt;
  const parts: Array<[string, number]> = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1000]];
  const text = parts.map(([unit, size]) => {
    const n = Math.floor(ms / size);
    ms -= n * size;
    return `${n} ${unit}${n === 1 ? '' : 's'}`;
  });
  return `UP 0 years, ${text.join(', ')}, ${ms} milliseconds, 0 microseconds`;
}

function sofiaStatus(ctx: SimContext): string {
  const rule = '='.repeat(97);
  const profiles = new Set(Object.values(ctx.scenario.gateways).map((gateway) => gateway.profile));
  const lines = [`${'Name'.padStart(25)}\t${'Type'.padStart(7)}\t${'Data'.padStart(42)}\tState`, rule];
  for (const profile of profiles) {
    lines.push(`${profile.padStart(25)}\t${'profile'.padStart(7)}\t${`sip:mod_sofia@${ctx.events.core.ipv4}:5080`.padStart(42)}\tRUNNING (0)`);
  }
  for (const [name, gateway] of Object.entries(ctx.scenario.gateways)) {
    const state = gateway.state === 'up' ? 'REGED' : 'FAIL_WAIT';
    lines.push(`${`${gateway.profile}::${name}`.padStart(25)}\t${'gateway'.padStart(7)}\t${`sip:${name}@${gateway.ip}`.padStart(42)}\t${state}`);
  }
  lines.push(rule, `${profiles.size} profile${profiles.size === 1 ? '' : 's'} 0 aliases`);
  return `${lines.join('\n')}\n`;
}

/** The mod_commands/mod_sofia/mod_db API commands faxengine uses (issue §2). */
const COMMANDS = new Map<string, ApiCommand>([
  ['originate', originateApi],
  ['uuid_kill', (ctx, args) =>
    withChannel(ctx, args, (channel, [cause]) => {
      void hangupChannel(ctx, channel, cause ?? 'NORMAL_CLEARING');
      return '+OK\n';
    })],
  ['uuid_exists', (ctx, args) => (ctx.channels.get(args.trim())?.isHungUp === false ? 'true' : 'false')],
  ['uuid_dump', (ctx, args) =>
    withChannel(ctx, args, (channel, [format]) => {
      const event = channelEvent(ctx, channel, 'CHANNEL_DATA', { origin: { file: 'mod_commands.c', func: 'uuid_dump_function', line: 3937 } });
      return format === 'json' ? event.serialize('json') : event.serialize('plain');
    })],
  ['uuid_getvar', (ctx, args) => withChannel(ctx, args, (channel, [name]) => channel.getVar(name ?? '') ?? '_undef_')],
  ['uuid_setvar', (ctx, args) =>
    withChannel(ctx, args, (channel, [name, ...value]) => {
      if (!name) return '-ERR No variable specified\n';
      channel.setVar(name, value.join(' '));
      return '+OK\n';
    })],
  ['show', (ctx, args) => (/^\s*channels\b/i.test(args) ? showChannels(ctx, args) : '-USAGE: show channels [as json]\n')],
  ['status', (ctx) =>
    `${uptime(ctx)}\nFreeSWITCH (Version 1.10.12-release  64bit) is ready\n` +
    `${ctx.channels.sessionsSinceStartup} session(s) since startup\n` +
    `${ctx.channels.size} session(s) - peak ${ctx.channels.peak}, last 5min ${ctx.channels.peak} \n` +
    `0 session(s) per Sec out of max 30, peak 0, last 5min 0 \n1000 session(s) max\nmin idle cpu 0.00/99.00\n` +
    'Current Stack Size/Max 240K/8192K\n'],
  ['db', (ctx, args) => ctx.db.api(args)],
  ['hupall', (ctx, args) => {
    const cause = args.trim().split(/\s+/)[0] || 'MANAGER_REQUEST';
    for (const channel of ctx.channels.list()) void hangupChannel(ctx, channel, cause);
    return `+OK hangup all channels with cause ${cause}\n`;
  }],
  ['sofia', (ctx, args) => (/^\s*status\b/i.test(args) ? sofiaStatus(ctx) : '-ERR Unknown command\n')],
  ['reloadxml', () => '+OK [Success]\n'],
  ['version', () => 'FreeSWITCH Version 1.10.12-release~64bit (-release 64bit)\n'],
]);

/** Runs an API command; an unknown one answers `-ERR <cmd> Command not found!` (reference §1.5). */
export async function executeApi(ctx: SimContext, command: string, args: string): Promise<string> {
  const handler = COMMANDS.get(command.toLowerCase());
  return handler ? handler(ctx, args) : `-ERR ${command} Command not found!\n`;
}
