import { connect, type Socket } from 'node:net';

/** One event as FreeSWITCH sent it (`event json`): header names to decoded values. */
export type FsEvent = Record<string, string>;

/** The event's name, with CUSTOM events named by their subclass (`spandsp::rxfaxresult`). */
export const eventName = (event: FsEvent): string => (event['Event-Name'] === 'CUSTOM' ? event['Event-Subclass'] ?? 'CUSTOM' : event['Event-Name'] ?? '');

interface Frame {
  headers: Record<string, string>;
  body: string;
}

/**
 * An authenticated inbound event-socket connection to a real FreeSWITCH, written against the
 * wire format (not modesl) so the test does not share faxengine's ESL code: `api` answers the
 * response body; every event subscribed to with `subscribe` is kept for `waitFor`.
 */
export class EslConnection {
  readonly events: FsEvent[] = [];
  private buffer = Buffer.alloc(0);
  private replies: Array<(frame: Frame) => void> = [];
  private onAuthRequest: (() => void) | undefined;
  private wakers: Array<() => void> = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /** This end's TCP port (to tell the test's own connection from faxengine's). */
  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  static async open(port: number, password: string, timeoutMs = 5000): Promise<EslConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const attempt = connect(port, '127.0.0.1', () => resolve(attempt));
      attempt.once('error', reject);
    });
    const esl = new EslConnection(socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no auth/request from FreeSWITCH')), timeoutMs);
      esl.onAuthRequest = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const reply = await esl.send(`auth ${password}`);
    if (!reply.headers['Reply-Text']?.startsWith('+OK')) {
      esl.close();
      throw new Error(`ESL auth refused: ${reply.headers['Reply-Text']}`);
    }
    return esl;
  }

  /** `api <command>`: the response body (e.g. `+OK …`, `-ERR …`, a variable's value). */
  async api(command: string): Promise<string> {
    return (await this.send(`api ${command}`)).body;
  }

  /** `bgapi <command>`: the job's uuid (its result comes as a BACKGROUND_JOB event). */
  async bgapi(command: string): Promise<string> {
    const reply = await this.send(`bgapi ${command}`);
    if (!reply.headers['Reply-Text']?.startsWith('+OK')) throw new Error(`bgapi refused: ${reply.headers['Reply-Text']}`);
    return reply.headers['Job-UUID'] ?? '';
  }

  /** Subscribes to JSON events (`CHANNEL_CREATE CUSTOM spandsp::rxfaxresult …`). */
  async subscribe(events: string): Promise<void> {
    const reply = await this.send(`event json ${events}`);
    if (!reply.headers['Reply-Text']?.startsWith('+OK')) throw new Error(`event json refused: ${reply.headers['Reply-Text']}`);
  }

  /** Resolves with the first kept event (already received or still to come) that satisfies `match`. */
  async waitFor(what: string, match: (event: FsEvent) => boolean, timeoutMs: number): Promise<FsEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.closed) throw new Error(`ESL connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.wakers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private send(command: string): Promise<Frame> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error(`ESL connection closed before "${command}"`));
      this.replies.push(resolve);
      this.socket.write(`${command}\n\n`);
    });
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end === -1) return;
      const headers: Record<string, string> = {};
      for (const line of this.buffer.toString('utf8', 0, end).split('\n')) {
        const colon = line.indexOf(': ');
        if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 2);
      }
      const length = Number(headers['Content-Length'] ?? 0);
      if (this.buffer.length < end + 2 + length) return;
      const body = this.buffer.toString('utf8', end + 2, end + 2 + length);
      this.buffer = this.buffer.subarray(end + 2 + length);
      this.dispatch({ headers, body });
    }
  }

  private dispatch(frame: Frame): void {
    const type = frame.headers['Content-Type'];
    if (type === 'auth/request') this.onAuthRequest?.();
    else if (type === 'command/reply' || type === 'api/response') this.replies.shift()?.(frame);
    else if (type === 'text/event-json') {
      this.events.push(JSON.parse(frame.body) as FsEvent);
      this.wake();
    }
  }

  private wake(): void {
    for (const wake of this.wakers.splice(0)) wake();
  }
}
