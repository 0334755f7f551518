/**
 * Types for the part of modesl 1.2.1 that faxengine and its tests use (modesl ships none).
 * Behaviour notes, including its pitfalls, are in reference/freeswitch-esl.md §6.2.
 */
declare module 'modesl' {
  import type { Server as NetServer, Socket } from 'node:net';

  type Listener = (...args: any[]) => void;

  export class Event {
    constructor(headers: Record<string, unknown>, body?: string);
    getHeader(name: string): string | undefined;
    getBody(): string;
    getType(): string;
    serialize(format?: 'json' | 'plain' | 'xml'): string;
    headers: Array<{ name: string; value: string }>;
  }

  export class Connection {
    constructor(host: string, port: number, password: string, readyCb?: () => void);
    constructor(socket: Socket, readyCb?: () => void);
    socket: Socket | null;
    on(event: string, listener: Listener): this;
    once(event: string, listener: Listener): this;
    off(event: string, listener: Listener): this;
    removeAllListeners(event?: string): this;
    api(command: string, args: string, cb: (event: Event) => void): void;
    bgapi(command: string, args: string, jobid: string, cb: (event: Event) => void): void;
    execute(app: string, arg: string, cb: (event: Event) => void): string;
    execute(app: string, arg: string, uuid: string, cb: (event: Event) => void): string;
    events(type: 'plain' | 'json' | 'xml', events: string | string[], cb?: (event: Event) => void): void;
    filter(header: string, value: string, cb?: (event: Event) => void): void;
    send(command: string, args?: Record<string, string>): void;
    sendRecv(command: string, cb?: (event: Event) => void): void;
    sendRecv(command: string, args: Record<string, string> | null, cb?: (event: Event) => void): void;
    getInfo(): Event;
    disconnect(): void;
  }

  export class Server {
    constructor(options: { server?: NetServer; port?: number; host?: string; myevents?: boolean }, readyCb?: () => void);
    on(event: string, listener: Listener): this;
    close(cb?: () => void): void;
    connections: Record<string, Connection>;
  }

  const esl: { Connection: typeof Connection; Server: typeof Server; Event: typeof Event };
  export default esl;
}

declare module 'modesl/lib/esl/Parser.js' {
  const Parser: {
    new (socket: import('node:events').EventEmitter): import('node:events').EventEmitter;
    prototype: { _parseHeaderText(text: string): Record<string, string | number> };
  };
  export default Parser;
}
