import { connect, type Socket } from 'node:net';

/** Opens `count` TCP connections to `port` that never send a byte; resolves once all are connected. */
export async function openIdleConnections(port: number, count: number, host = '127.0.0.1'): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let opened = 0; opened < count; opened += 50) {
    const batch = Array.from({ length: Math.min(50, count - opened) }, () => {
      const socket = connect(port, host);
      socket.on('error', () => undefined);
      // Reads (and drops) whatever the server says, so its closing is noticed; sends nothing.
      socket.resume();
      sockets.push(socket);
      return new Promise<void>((resolve) => socket.once('connect', () => resolve()).once('close', () => resolve()));
    });
    await Promise.all(batch);
  }
  return sockets;
}

export interface HeaderFlood {
  /** Bytes handed to the kernel before the server closed the connection (or the flood ended). */
  readonly sent: number;
  /** Whether the server closed the connection before the flood was over. */
  readonly closedByServer: boolean;
  /** Resolves when the connection is closed or every byte was sent. */
  done: Promise<void>;
  stop(): void;
}

/**
 * Streams `totalBytes` of ESL header lines that never end with the blank line (after `prefix`, say a
 * well-formed reply to `connect`), respecting
 * back-pressure, so the sender's own memory stays bounded whatever the server does.
 */
export function startHeaderFlood(port: number, totalBytes: number, options: { host?: string; prefix?: string; bytesPerSecond?: number } = {}): HeaderFlood {
  const line = 'X-Flood-Header: ' + 'a'.repeat(47) + '\n';
  const chunk = Buffer.from(line.repeat(Math.floor(65_536 / line.length)));
  const socket = connect(port, options.host ?? '127.0.0.1');
  socket.on('error', () => undefined);
  let sent = 0;
  let over = false;
  let closedByServer = false;
  const done = new Promise<void>((resolve) => {
    socket.once('close', () => {
      closedByServer = !over;
      over = true;
      resolve();
    });
    const pump = () => {
      while (!over && sent < totalBytes) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
        // Paced: the next chunk when this one's share of the second is over.
        if (options.bytesPerSecond) return void setTimeout(pump, (chunk.length / options.bytesPerSecond) * 1000);
      }
      if (sent >= totalBytes && !over) {
        over = true;
        socket.destroy();
      }
    };
    socket.once('connect', () => {
      if (options.prefix) socket.write(options.prefix);
      pump();
    });
  });
  return {
    get sent() {
      return sent;
    },
    get closedByServer() {
      return closedByServer;
    },
    done,
    stop() {
      over = true;
      socket.destroy();
    },
  };
}
