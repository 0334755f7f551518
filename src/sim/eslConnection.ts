import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { EslEvent } from './eslEvent.js';
import { EventFilters } from './eventFilters.js';
import { MYEVENTS_NAMES } from './eventNames.js';
import type { EventSink } from './eventHub.js';
import { PacketReader, type EslPacket } from './packetReader.js';
import type { SimContext } from './simContext.js';
import { Subscription } from './subscription.js';
import { commandReplyFrame, eventFrame } from './wireFrames.js';

/** One command as a client sent it, for test assertions. */
export interface CommandLogEntry {
  at: number;
  command: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ConnectionInfo {
  id: string;
  kind: 'inbound' | 'outbound';
  remote: string;
  channelUuid?: string;
  open: boolean;
}

/**
 * What both socket kinds share (reference §1): packet reading, strictly serial command handling
 * (FreeSWITCH's listener thread does one command at a time), the per-connection subscription and
 * filters, and holding events back while an `api` (or a sync sendmsg) runs (reference §1.7).
 */
export abstract class EslConnection implements EventSink {
  readonly id = randomUUID();
  readonly commands: CommandLogEntry[] = [];
  readonly subscription = new Subscription();
  readonly filters = new EventFilters();
  logLevel: number | undefined;
  /** Set by `myevents`: only this channel's events (and jobs it owns) pass (reference §1.6). */
  protected myeventsUuid: string | undefined;
  private readonly reader = new PacketReader();
  private chain: Promise<void> = Promise.resolve();
  private blocked = 0;
  private held: Array<string | Buffer> = [];
  private corked = false;
  protected closed = false;

  constructor(
    readonly kind: 'inbound' | 'outbound',
    protected readonly socket: Socket,
    readonly ctx: SimContext,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.onClosed());
    this.reroute();
  }

  abstract info(): ConnectionInfo;
  protected abstract handle(packet: EslPacket): Promise<void>;
  /** The notice sent before the socket closes after `exit` (reference §1.2). */
  abstract disconnectFrame(): string;

  deliver(event: EslEvent): void {
    if (this.closed || !this.socket.writable || !this.accepts(event)) return;
    const frame = eventFrame(event, this.subscription.format);
    if (this.blocked > 0) this.held.push(frame);
    else this.write(frame);
  }

  protected accepts(event: EslEvent): boolean {
    const uuid = this.myeventsUuid;
    if (uuid !== undefined && event.uniqueId !== uuid && !(event.name === 'BACKGROUND_JOB' && event.get('Job-Owner-UUID') === uuid)) {
      return false;
    }
    return this.subscription.wants(event) && this.filters.passes(event);
  }

  /** `myevents`: the fixed type set, restricted to one channel; a second call is refused (sic). */
  enableMyevents(uuid: string): string {
    if (this.myeventsUuid !== undefined) return '-ERR aready enabled.';
    this.myeventsUuid = uuid;
    this.subscription.addTypes(MYEVENTS_NAMES);
    this.reroute();
    return '+OK Events Enabled';
  }

  /** Tells the hub which channels this connection can want, after any subscription change. */
  reroute(): void {
    if (this.closed) return;
    this.ctx.hub.route(this, this.subscription.isEmpty ? [] : this.routeUuids());
  }

  protected routeUuids(): string[] | undefined {
    return this.myeventsUuid === undefined ? this.filters.routeKeys() : [this.myeventsUuid];
  }

  /** Writes are corked until the end of the tick, so a burst of events leaves in one syscall. */
  write(frame: string | Buffer): void {
    if (this.closed || !this.socket.writable) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frame);
  }

  reply(text: string, extra?: Array<[string, string]>): void {
    this.write(commandReplyFrame(text, extra));
  }

  /** Runs `work` with event delivery held; its result frame is written before the held events. */
  async holdingEvents(work: () => Promise<string>): Promise<void> {
    this.blocked++;
    try {
      this.write(await work());
    } finally {
      this.blocked--;
      if (this.blocked === 0) this.flushHeld();
    }
  }

  private flushHeld(): void {
    const frames = this.held;
    this.held = [];
    for (const frame of frames) this.write(frame);
  }

  /** Writes what is queued, then `finalFrame`, and closes the socket. */
  close(finalFrame?: string): void {
    if (this.closed) return;
    this.flushHeld();
    if (finalFrame) this.socket.write(finalFrame);
    this.closed = true;
    this.ctx.hub.remove(this);
    this.socket.end();
  }

  /** Drops the TCP connection without any notice (the test-control "kill"). */
  kill(): void {
    this.socket.destroy();
  }

  protected onClosed(): void {
    this.closed = true;
    this.ctx.hub.remove(this);
  }

  private onData(chunk: Buffer): void {
    let packets: EslPacket[];
    try {
      packets = this.reader.push(chunk);
    } catch {
      this.kill();
      return;
    }
    for (const packet of packets) {
      this.commands.push({
        at: Date.now(),
        command: packet.command,
        headers: Object.fromEntries(packet.headers),
        ...(packet.body === undefined ? {} : { body: packet.body }),
      });
      this.chain = this.chain.then(() => (this.closed ? undefined : this.handle(packet))).catch(() => this.kill());
    }
  }
}
