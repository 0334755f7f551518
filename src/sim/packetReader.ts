/** One command packet from a client: first line, `Name: value` headers, optional body (reference §1.2). */
export interface EslPacket {
  command: string;
  headers: Array<[string, string]>;
  body?: string;
}

/** Case-insensitive header lookup, as FreeSWITCH does for client headers. */
export function packetHeader(packet: EslPacket, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return packet.headers.find(([key]) => key.toLowerCase() === wanted)?.[1];
}

const MAX_BODY = 16 * 1024 * 1024;

/**
 * Splits the client byte stream into packets the way `read_packet` does: lines end at `\n` (a `\r`
 * is ignored), leading blank lines are skipped, a blank line ends the block and `Content-Length`
 * bytes of body follow it. Throws on a Content-Length FreeSWITCH would refuse.
 */
export class PacketReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): EslPacket[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const packets: EslPacket[] = [];
    for (;;) {
      const packet = this.next();
      if (!packet) return packets;
      packets.push(packet);
    }
  }

  private next(): EslPacket | undefined {
    let start = 0;
    while (start < this.buffer.length && (this.buffer[start] === 0x0a || this.buffer[start] === 0x0d)) start++;
    const lines: string[] = [];
    let cursor = start;
    for (;;) {
      const newline = this.buffer.indexOf(0x0a, cursor);
      if (newline === -1) return undefined;
      const line = this.buffer.toString('utf8', cursor, newline).replace(/\r/g, '');
      cursor = newline + 1;
      if (line === '') break;
      lines.push(line);
    }
    if (lines.length === 0) {
      this.buffer = this.buffer.subarray(cursor);
      return undefined;
    }
    const [command = '', ...headerLines] = lines;
    const headers: Array<[string, string]> = headerLines.map((line) => {
      const colon = line.indexOf(':');
      if (colon === -1) return [line, ''];
      return [line.slice(0, colon), line.slice(colon + 1).replace(/^ +/, '')];
    });
    const packet: EslPacket = { command, headers };
    const lengthHeader = packetHeader(packet, 'Content-Length');
    if (lengthHeader !== undefined) {
      const length = Number(lengthHeader);
      if (!Number.isInteger(length) || length < 0 || length > MAX_BODY) throw new Error('invalid Content-Length');
      if (this.buffer.length < cursor + length) return undefined;
      packet.body = this.buffer.toString('utf8', cursor, cursor + length);
      cursor += length;
    }
    this.buffer = this.buffer.subarray(cursor);
    return packet;
  }
}
