import type { Socket } from 'node:net';

/**
 * Sends an outbound socket's `connect` at once and waits (up to `timeoutMs`) for the first bytes of
 * the reply. FreeSWITCH answers `connect` immediately with the call's data; a peer that stays silent
 * is closed at the deadline. The reply is left unread in the socket (paused) for modesl: a
 * connection takes a set-up slot only once it has spoken, so idle connections cannot hold the
 * slots real calls need. Resolves true when the peer answered.
 */
export function greetOutboundSocket(socket: Socket, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (spoke: boolean) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(spoke);
    };
    const onData = (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      finish(true);
    };
    const onClose = () => finish(false);
    const timer = setTimeout(() => {
      socket.destroy();
      finish(false);
    }, timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write('connect\n\n');
  });
}

/**
 * modesl's outbound Connection sends `connect` as soon as it is created (in one write, through
 * singleWriteCommands); the greeting sent it already, and the reply waiting in the socket answers
 * modesl's queued callback. So the next `connect` write on this socket is dropped.
 */
export function skipNextConnectWrite(socket: Socket): void {
  const own = socket as Socket & { write: Socket['write'] };
  own.write = function write(this: Socket, chunk: unknown, ...rest: unknown[]) {
    delete (own as { write?: unknown }).write;
    if (chunk === 'connect\n\n') return true;
    return (own.write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Socket['write'];
}
