import esl from 'modesl';

interface SendingConnection {
  socket: { write(data: string): boolean } | null;
  emit(event: string, ...args: unknown[]): boolean;
}

/**
 * modesl writes a command with one socket.write per line (command, each header, blank line): a
 * `sendmsg` with four headers is six writes and, with Nagle off, often six packets. The same
 * bytes in one write cost a fraction of the CPU and arrive as one frame.
 */
export function installSingleWriteCommands(): void {
  const proto = esl.Connection.prototype as unknown as {
    send(this: SendingConnection, command: string, args?: Record<string, unknown> | null): void;
    __singleWrite?: boolean;
  };
  if (proto.__singleWrite) return;
  proto.__singleWrite = true;
  proto.send = function send(command, args) {
    let frame = `${command}\n`;
    if (args) for (const key of Object.keys(args)) frame += `${key}: ${String(args[key])}\n`;
    try {
      this.socket!.write(`${frame}\n`);
    } catch (error) {
      this.emit('error', error);
    }
  };
}
