import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';

/** A Hono app served over real HTTP on a free port, counting what the server read from each connection. */
export async function serveOverHttp(app: { fetch: (request: Request, env?: object) => Response | Promise<Response> }) {
  // By the client's port, taken when the connection comes: a closed socket no longer knows it.
  const sockets = new Map<number, Socket>();
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  server.on('connection', (socket: Socket) => void sockets.set(socket.remotePort!, socket));
  return {
    port: (server.address() as AddressInfo).port,
    /** Bytes the server has read from the connection whose client port is `clientPort`. */
    bytesReadFrom(clientPort: number): number {
      const socket = sockets.get(clientPort);
      if (!socket) throw new Error(`no connection from port ${clientPort}`);
      return socket.bytesRead;
    },
    close: () =>
      new Promise<void>((resolve) => {
        (server as ServerType & { closeAllConnections(): void }).closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Body bytes this client had handed to its socket when it stopped sending. */
  bodyBytesSent: number;
  /** The client port: what the server sees the connection as. */
  localPort: number;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
}

/** `count` bytes in chunks of one reused buffer: a big body without a big array in the test. */
export function* generatedBytes(count: number, fill = 0x61, chunkBytes = 64 * 1024): Generator<Uint8Array> {
  const chunk = Buffer.alloc(chunkBytes, fill);
  for (let left = count; left > 0; left -= chunkBytes) yield left >= chunkBytes ? chunk : chunk.subarray(0, left);
}

/**
 * Sends a request over a plain socket: the head as given, then `body` (chunked when
 * `chunked`), honouring the socket's backpressure. It stops sending as soon as a whole response
 * has arrived or the server closed the connection, so it shows what a server does before (or
 * without) reading the rest; `Content-Length` may claim more than is ever sent.
 */
export function rawRequest(port: number, head: { method: string; path: string; headers: Record<string, string> }, body: Iterable<Uint8Array>, options: { chunked?: boolean } = {}): Promise<RawResponse> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined); // a server that stops reading may reset the connection: the response is what counts
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let received = Buffer.alloc(0);
  let response: Omit<RawResponse, 'bodyBytesSent' | 'localPort' | 'closed'> | undefined;
  let bodyBytesSent = 0;
  let localPort = 0;

  const answered = new Promise<void>((resolve, reject) => {
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      response ??= parseResponse(received);
      if (response) resolve();
    });
    socket.once('close', () => (response ? resolve() : reject(new Error(`connection closed without a whole response (${received.length} bytes: ${received.toString('latin1').slice(0, 200)})`))));
  });

  async function send(): Promise<void> {
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    localPort = socket.localPort!;
    const lines = [`${head.method} ${head.path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(head.headers).map(([name, value]) => `${name}: ${value}`)];
    if (options.chunked) lines.push('Transfer-Encoding: chunked');
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    for (const chunk of body) {
      if (response || socket.destroyed || socket.writableEnded) return;
      bodyBytesSent += chunk.length;
      if (options.chunked) socket.write(`${chunk.length.toString(16)}\r\n`);
      let more = socket.write(chunk);
      if (options.chunked) more = socket.write('\r\n');
      if (!more) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed, answered.catch(() => undefined)]);
    }
    if (options.chunked && !response && !socket.destroyed) socket.write('0\r\n\r\n');
  }

  return Promise.all([answered, send()]).then(() => ({ ...response!, bodyBytesSent, localPort, closed }));
}

function parseResponse(bytes: Buffer): Omit<RawResponse, 'bodyBytesSent' | 'localPort' | 'closed'> | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine, ...headerLines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const length = Number(headers['content-length'] ?? Number.NaN);
  // Our problems carry a Content-Length; a chunked answer is read as far as it has come.
  if (Number.isFinite(length) && bytes.length - end - 4 < length) return undefined;
  return { status: Number(statusLine!.split(' ')[1]), headers, body: bytes.subarray(end + 4, Number.isFinite(length) ? end + 4 + length : undefined).toString('utf8') };
}
