import type { Socket } from 'node:net';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';

/** How long the client has to read the answer before the connection is cut. */
const lingerMs = 1_000;

/**
 * Closes the connection of a request whose body was refused before its end without losing the
 * answer. With `Connection: close`, Node ends the socket as soon as the answer is written and
 * closes it while the client is still sending; closing a socket with unread bytes sends RST, and a
 * client that gets RST may drop the answer it had already been sent (it saw a reset, not its 413).
 * Here the socket is half-closed after the answer (FIN) and closed `lingerMs` later, when the client
 * has read its answer: a lingering close that reads nothing more of the body.
 * Without Node's socket (`app.request()` in tests) it does nothing.
 */
export function closeAfterAnswer(c: Context): void {
  c.header('Connection', 'close');
  const socket = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket as Socket | undefined;
  if (!socket) return;
  socket.destroySoon = function lingeringClose(this: Socket) {
    // Nothing more is read: the client, which has its answer and our FIN, stops sending.
    this.pause();
    this.end();
    const timer = setTimeout(() => this.destroy(), lingerMs);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
}
