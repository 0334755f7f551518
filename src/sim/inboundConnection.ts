import type { Socket } from 'node:net';
import { EslConnection, type ConnectionInfo } from './eslConnection.js';
import type { EslPacket } from './packetReader.js';
import { runSendmsg, sendmsgTarget } from './sendmsg.js';
import { runSharedCommand } from './sharedCommands.js';
import type { SimContext } from './simContext.js';
import { authRequestFrame, inboundDisconnectFrame } from './wireFrames.js';

export interface InboundOptions {
  password: string;
  /** FreeSWITCH waits 25 s for the first command (reference §1.9). */
  firstCommandTimeoutMs: number;
}

/** A client of the inbound listener (mod_event_socket on :8021): auth first, then the full command set. */
export class InboundConnection extends EslConnection {
  private authed = false;
  private readonly firstCommandTimer: NodeJS.Timeout;

  constructor(socket: Socket, ctx: SimContext, private readonly options: InboundOptions) {
    super('inbound', socket, ctx);
    this.write(authRequestFrame());
    this.firstCommandTimer = setTimeout(() => this.close(inboundDisconnectFrame()), options.firstCommandTimeoutMs);
  }

  info(): ConnectionInfo {
    return { id: this.id, kind: 'inbound', remote: `${this.socket.remoteAddress}:${this.socket.remotePort}`, open: !this.closed };
  }

  disconnectFrame(): string {
    return inboundDisconnectFrame();
  }

  protected override onClosed(): void {
    clearTimeout(this.firstCommandTimer);
    super.onClosed();
  }

  /**
   * Inbound `myevents <uuid> [format]`: the format word is ignored, a FreeSWITCH bug (reference
   * §1.6). A uuid of no channel is refused only with a format word; without one it is accepted
   * (proto.raw: `myevents 00000000-…` gets `+OK Events Enabled`).
   */
  private myevents(line: string): void {
    const [, uuid, format] = line.split(/\s+/);
    if (uuid === undefined || uuid === '') return this.reply('-ERR command not found');
    if (format !== undefined && !this.ctx.channels.has(uuid)) return this.reply('-ERR invalid uuid');
    this.reply(this.enableMyevents(uuid));
  }

  protected async handle(packet: EslPacket): Promise<void> {
    clearTimeout(this.firstCommandTimer);
    const line = packet.command.trim();
    const lower = line.toLowerCase();
    if (!this.authed) {
      if (!lower.startsWith('auth ')) return this.reply('-ERR command not found');
      if (line.slice(5).trim() !== this.options.password) {
        this.reply('-ERR invalid');
        return this.close(this.disconnectFrame());
      }
      this.authed = true;
      return this.reply('+OK accepted');
    }
    if (lower.startsWith('exit') || lower.startsWith('...')) {
      this.reply('+OK bye');
      return this.close(this.disconnectFrame());
    }
    if (await runSharedCommand(this, packet)) return;
    if (lower.startsWith('sendmsg')) {
      const { channel, uuid } = sendmsgTarget(this.ctx, packet);
      if (!channel) return this.reply(`-ERR invalid session id [${uuid}]`);
      this.reply('+OK');
      return void runSendmsg(this.ctx, channel, packet);
    }
    if (lower.startsWith('myevents')) return this.myevents(line);
    if (lower.startsWith('linger') || lower.startsWith('nolinger')) return this.reply('-ERR not controlling a session');
    if (lower.startsWith('divert_events')) return this.reply('-ERR not controlling a session.');
    this.reply('-ERR command not found');
  }
}
