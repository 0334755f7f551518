import type { Socket } from 'node:net';

/**
 * Sends an outbound socket's `connect` at once and waits (up to `timeoutMs`) for the reply's whole
 * header block. FreeSWITCH answers `connect` immediately with the call's data (a few KB of headers);
 * a peer that stays silent is closed at the deadline, and one that sends more than
 * `maxHeaderBytes` without ending its headers is closed at once. The reply is left unread in the
 * socket (paused) for modesl: a connection takes a set-up slot only once it has answered like
 * FreeSWITCH, so idle or flooding connections cannot hold or crowd the slots real calls need.
 * Resolves true when the peer answered.
 */
export function greetOutboundSocket(socket: Socket, timeoutMs: number, maxHeaderBytes: number): Promise<boolean> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let bytes = 0;
    let endsWithNewline = false;
    const finish = (spoke: boolean) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (!spoke) socket.destroy();
      resolve(spoke);
    };
    const onData = (chunk: Buffer) => {
      received.push(chunk);
      bytes += chunk.length;
      // Only the new bytes are searched (and the seam with the ones before): linear in what arrives.
      const ended = (endsWithNewline && chunk[0] === 0x0a) || chunk.indexOf('\n\n') !== -1;
      endsWithNewline = chunk.length > 0 ? chunk[chunk.length - 1] === 0x0a : endsWithNewline;
      if (!ended) {
        if (bytes > maxHeaderBytes) finish(false);
        return;
      }
      socket.pause();
      socket.unshift(received.length === 1 ? received[0]! : Buffer.concat(received));
      finish(true);
    };
    const onClose = () => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
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
