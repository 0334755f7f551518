import { EslEvent } from './eslEvent.js';

/** What FreeSWITCH puts in every event about itself (reference §2.1). */
export interface CoreIdentity {
  coreUuid: string;
  hostname: string;
  switchname: string;
  ipv4: string;
  ipv6: string;
}

/** `Event-Calling-File/-Function/-Line-Number` of the C code that fires an event. */
export interface EventOrigin {
  file: string;
  func: string;
  line: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Microseconds since the epoch: FreeSWITCH timestamps have 16 digits (reference §2.1). */
export const nowMicros = (): number => Math.floor((performance.timeOrigin + performance.now()) * 1000);

/**
 * Creates events with the common headers in FreeSWITCH's order and one process-wide
 * `Event-Sequence`. Date strings are cached per second because every event needs them.
 */
export class EventFactory {
  private sequence = 0;
  private cachedSecond = -1;
  private dateLocal = '';
  private dateGmt = '';

  constructor(readonly core: CoreIdentity) {}

  create(name: string, origin: EventOrigin, subclass?: string): EslEvent {
    const micros = nowMicros();
    this.refreshDates(Math.floor(micros / 1_000_000));
    // A CUSTOM event starts with Event-Subclass, before Event-Name (every capture shows it).
    const event = new EslEvent(name, subclass)
      .add('Event-Subclass', subclass)
      .add('Event-Name', name)
      .add('Core-UUID', this.core.coreUuid)
      .add('FreeSWITCH-Hostname', this.core.hostname)
      .add('FreeSWITCH-Switchname', this.core.switchname)
      .add('FreeSWITCH-IPv4', this.core.ipv4)
      .add('FreeSWITCH-IPv6', this.core.ipv6)
      .add('Event-Date-Local', this.dateLocal)
      .add('Event-Date-GMT', this.dateGmt)
      .add('Event-Date-Timestamp', micros)
      .add('Event-Calling-File', origin.file)
      .add('Event-Calling-Function', origin.func)
      .add('Event-Calling-Line-Number', origin.line)
      .add('Event-Sequence', ++this.sequence);
    return event;
  }

  private refreshDates(second: number): void {
    if (second === this.cachedSecond) return;
    this.cachedSecond = second;
    const date = new Date(second * 1000);
    this.dateLocal =
      `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
      `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
    this.dateGmt = date.toUTCString();
  }
}
