import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** One message from FreeSWITCH (or the simulator), with its raw bytes for exact assertions. */
export interface RawFrame {
  raw: string;
  headerBlock: string;
  headers: Record<string, string>;
  body: string;
}

/** Parses framed ESL messages from a socket: header block up to `\n\n`, then Content-Length bytes. */
export class RawEslClient {
  private buffer = Buffer.alloc(0);
  private frames: RawFrame[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawEslClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => resolve(new RawEslClient(socket)));
      socket.once('error', reject);
    });
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** Sends a command (and headers) terminated by the blank line. */
  command(line: string, headers: Record<string, string> = {}): void {
    const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\n`).join('');
    this.send(`${line}\n${extra}\n`);
  }

  async next(timeoutMs = 5000): Promise<RawFrame> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.shift() as RawFrame;
  }

  /** Skips frames until one satisfies `predicate`. */
  async until(predicate: (frame: RawFrame) => boolean, timeoutMs = 5000): Promise<RawFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now()));
      if (predicate(frame)) return frame;
    }
  }

  /** Resolves true when no frame arrives within `ms`. */
  async silentFor(ms: number): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.frames.length === 0;
  }

  pending(): RawFrame[] {
    return [...this.frames];
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    if (!this.closed) throw new Error('socket still open');
  }

  end(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private parse(): void {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end === -1) break;
      const headerBlock = this.buffer.toString('utf8', 0, end + 2);
      const headers: Record<string, string> = {};
      for (const line of headerBlock.split('\n')) {
        const colon = line.indexOf(': ');
        if (colon > 0 && !(line.slice(0, colon) in headers)) headers[line.slice(0, colon)] = line.slice(colon + 2);
      }
      const length = Number(headers['Content-Length'] ?? 0);
      if (this.buffer.length < end + 2 + length) break;
      const body = this.buffer.toString('utf8', end + 2, end + 2 + length);
      this.frames.push({ raw: headerBlock + body, headerBlock, headers, body });
      this.buffer = this.buffer.subarray(end + 2 + length);
    }
    this.wake();
  }
}

/** Parses a text/event-plain body into ordered [name, value] pairs (values still URL-encoded). */
export function plainHeaders(body: string): Array<[string, string]> {
  const end = body.indexOf('\n\n');
  const block = end === -1 ? body : body.slice(0, end);
  return block
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(': ');
      return [line.slice(0, colon), line.slice(colon + 2)] as [string, string];
    });
}

export const header = (pairs: Array<[string, string]>, name: string): string | undefined => pairs.find(([key]) => key === name)?.[1];

/** A TCP server on port 0 standing in for faxengine's outbound-socket server. */
export async function outboundServer(): Promise<{ server: Server; port: number; nextClient: () => Promise<RawEslClient>; close: () => Promise<void> }> {
  const queue: RawEslClient[] = [];
  const waiters: Array<(client: RawEslClient) => void> = [];
  const server = createServer((socket) => {
    const client = new RawEslClient(socket);
    const waiter = waiters.shift();
    if (waiter) waiter(client);
    else queue.push(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    nextClient: () => {
      const ready = queue.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
