import type { Socket } from 'node:net';
import { appsIdle } from './appRunner.js';
import type { Channel, ChannelController } from './channel.js';
import { channelEvent, fireChannelEvent } from './channelEvents.js';
import { addCallerProfile } from './channelData.js';
import { endSocketPark, hangupChannel } from './channelOps.js';
import { EslConnection, type ConnectionInfo } from './eslConnection.js';
import type { EslPacket } from './packetReader.js';
import { runSendmsg, sendmsgTarget } from './sendmsg.js';
import { runSharedCommand } from './sharedCommands.js';
import type { SimContext } from './simContext.js';
import { lingerNoticeFrame, outboundDisconnectFrame } from './wireFrames.js';

/** The commands an outbound socket without `full` accepts (reference §1.5). */
const RESTRICTED = ['exit', '...', 'filter', 'resume', 'connect', 'getvar', 'myevents', 'divert_events', 'sendmsg'];

export interface SocketMode {
  async: boolean;
  full: boolean;
}

/**
 * The socket FreeSWITCH opens to faxengine for one inbound call (`socket host:port async full`,
 * reference §1.9): nothing is sent before the client writes; the first command's reply is
 * swallowed unless it is `connect`; hangup means a linger notice or the disconnect notice.
 */
export class OutboundConnection extends EslConnection implements ChannelController {
  readonly released: Promise<void>;
  private release!: () => void;
  private first = true;
  private parkPending = false;
  /** The first command runs, but its reply is never sent unless it is `connect` (reference §1.9). */
  private swallowReplies = false;
  /** undefined: no linger; -1: forever. */
  private lingerSeconds: number | undefined;

  private readonly firstCommandTimer: NodeJS.Timeout;

  constructor(socket: Socket, ctx: SimContext, readonly channel: Channel, private readonly mode: SocketMode, firstCommandTimeoutMs: number) {
    super('outbound', socket, ctx);
    this.released = new Promise((resolve) => (this.release = resolve));
    channel.controller = this;
    this.firstCommandTimer = setTimeout(() => this.close(this.disconnectFrame()), firstCommandTimeoutMs);
  }

  info(): ConnectionInfo {
    return { id: this.id, kind: 'outbound', remote: `${this.socket.remoteAddress}:${this.socket.remotePort}`, channelUuid: this.channel.uuid, open: !this.closed };
  }

  disconnectFrame(): string {
    return outboundDisconnectFrame(this.channel.uuid);
  }

  channelHungUp(): void {
    if (this.closed) return;
    if (this.lingerSeconds === undefined) return this.close(this.disconnectFrame());
    this.write(lingerNoticeFrame(this.channel.uuid, this.channel.name, this.lingerSeconds));
    if (this.lingerSeconds >= 0) {
      void this.ctx.clock.sleep(this.lingerSeconds).then(() => this.close(this.disconnectFrame()));
    }
  }

  protected override onClosed(): void {
    clearTimeout(this.firstCommandTimer);
    super.onClosed();
    this.release();
    const channel = this.channel;
    if (channel.isHungUp) return;
    void appsIdle(channel).then(() => {
      endSocketPark(this.ctx, channel);
      return hangupChannel(this.ctx, channel, 'NORMAL_CLEARING');
    });
  }

  protected async handle(packet: EslPacket): Promise<void> {
    clearTimeout(this.firstCommandTimer);
    const first = this.first;
    this.first = false;
    const lower = packet.command.trim().toLowerCase();
    if (lower.startsWith('connect')) return this.connect();
    this.swallowReplies = first;
    if (lower.startsWith('sendmsg')) this.park();
    try {
      await this.command(packet, lower);
    } finally {
      this.swallowReplies = false;
    }
  }

  /**
   * The socket app parks the channel once `connect` arrived; in FreeSWITCH that races with the
   * client's next commands, and the captures show CHANNEL_PARK once the subscription commands
   * took effect, as the first sendmsg arrives (osock-*.raw). The simulator parks when a sendmsg
   * arrives, or 50 ms after `connect` if none does.
   */
  private park(): void {
    if (!this.parkPending) return;
    this.parkPending = false;
    if (this.channel.isHungUp || this.channel.parked) return;
    this.channel.parked = true;
    fireChannelEvent(this.ctx, this.channel, 'CHANNEL_PARK');
  }

  override write(frame: string | Buffer): void {
    if (!this.swallowReplies) super.write(frame);
  }

  private async command(packet: EslPacket, lower: string): Promise<void> {
    if (!this.mode.full && !RESTRICTED.some((name) => lower.startsWith(name))) return this.reply('-ERR command not found');
    if (lower.startsWith('exit') || lower.startsWith('...')) {
      this.reply('+OK bye');
      return this.close(this.disconnectFrame());
    }
    if (lower.startsWith('sendmsg')) return this.sendmsg(packet);
    if (lower.startsWith('myevents')) {
      const format = lower.split(/\s+/)[1];
      const reply = this.enableMyevents(this.channel.uuid);
      if (reply.startsWith('+OK') && (format === 'json' || format === 'xml' || format === 'plain')) this.subscription.format = format;
      return this.reply(reply);
    }
    if (lower.startsWith('linger')) {
      const seconds = lower.split(/\s+/)[1];
      this.lingerSeconds = seconds === undefined ? -1 : Number(seconds);
      return this.reply(seconds === undefined ? '+OK will linger' : `+OK will linger ${this.lingerSeconds} seconds`);
    }
    if (lower.startsWith('nolinger')) {
      this.lingerSeconds = undefined;
      return this.reply('+OK will not linger');
    }
    if (lower.startsWith('divert_events')) {
      const value = lower.split(/\s+/)[1];
      if (value === undefined) return this.reply('-ERR missing value.');
      return this.reply(value === 'on' ? '+OK events diverted' : '+OK events not diverted');
    }
    if (lower.startsWith('resume')) {
      this.channel.setVar('socket_resume', 'true');
      return this.reply('+OK');
    }
    if (lower.startsWith('getvar')) {
      const value = this.channel.getVar(packet.command.trim().split(/\s+/)[1] ?? '');
      return this.reply(value ?? '-ERR command not found');
    }
    if (await runSharedCommand(this, packet, this.channel.uuid)) return;
    this.reply('-ERR command not found');
  }

  /** Async sockets reply at once; static ones only after the app returned (reference §1.8). */
  private async sendmsg(packet: EslPacket): Promise<void> {
    const { channel, uuid } = sendmsgTarget(this.ctx, packet, this.channel);
    if (!channel) return this.reply(`-ERR invalid session id [${uuid}]`);
    const forceAsync = packet.headers.some(([name, value]) => name.toLowerCase() === 'async' && value === 'true');
    if (this.mode.async || forceAsync || channel !== this.channel) {
      this.reply('+OK');
      return void runSendmsg(this.ctx, channel, packet);
    }
    await this.holdingEvents(async () => {
      await runSendmsg(this.ctx, channel, packet);
      return 'Content-Type: command/reply\nReply-Text: +OK\n\n';
    });
  }

  /** The CHANNEL_DATA reply (reference §1.9): Channel- profile, channel data, then the command/reply tail. */
  private connect(): void {
    const event = channelEvent(this.ctx, this.channel, 'CHANNEL_DATA');
    const common = event.headers.splice(0, 13);
    const rest = event.headers.splice(0);
    event.headers.push(...common);
    addCallerProfile(event, this.channel, 'Channel');
    event.headers.push(...rest);
    event
      .add('Content-Type', 'command/reply')
      .add('Reply-Text', '+OK\n')
      .add('Socket-Mode', this.mode.async ? 'async' : 'static')
      .add('Control', this.mode.full ? 'full' : 'single-channel');
    this.write(event.serialize('plain'));
    if (this.mode.async) {
      this.parkPending = true;
      setTimeout(() => this.park(), 50);
    }
  }
}
