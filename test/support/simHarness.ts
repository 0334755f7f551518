import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { outboundServer, plainHeaders, RawEslClient, type RawFrame } from './rawEsl.js';

export interface SimHarness {
  sim: Simulator;
  faxengine: Awaited<ReturnType<typeof outboundServer>>;
  dir: string;
  close(): Promise<void>;
}

/** A simulator on port 0 with a fake faxengine outbound server, at 1/1000 of real time. */
export async function startSim(options: SimulatorOptions = {}): Promise<SimHarness> {
  const faxengine = await outboundServer();
  const sim = await createSimulator({
    listen: { host: '127.0.0.1', port: 0 },
    dial: { host: '127.0.0.1', port: faxengine.port },
    timeScale: 0.001,
    hostname: 'fax1',
    ...options,
  });
  const dir = mkdtempSync(join(tmpdir(), 'faxsim-'));
  return {
    sim,
    faxengine,
    dir,
    close: async () => {
      await sim.close();
      await faxengine.close();
    },
  };
}

/** An inbound client that consumed the greeting and authenticated. */
export async function authedClient(sim: Simulator, password = 'ClueCon'): Promise<RawEslClient> {
  const client = await RawEslClient.connect(sim.eslAddress.port);
  await client.next();
  client.command(`auth ${password}`);
  await client.next();
  return client;
}

/** Sends a command and returns the next frame (its reply). */
export async function ask(client: RawEslClient, line: string, headers?: Record<string, string>): Promise<RawFrame> {
  client.command(line, headers);
  return client.next();
}

export interface PlainEvent {
  name: string;
  subclass?: string;
  headers: Array<[string, string]>;
  frame: RawFrame;
}

export const isEvent = (frame: RawFrame): boolean => frame.headers['Content-Type'] === 'text/event-plain';

export function asEvent(frame: RawFrame): PlainEvent {
  const headers = plainHeaders(frame.body);
  const subclass = headers.find(([name]) => name === 'Event-Subclass')?.[1];
  // Event-Name is not always first: a CUSTOM event starts with Event-Subclass (the captures).
  const name = headers.find(([key]) => key === 'Event-Name')?.[1] ?? '';
  return { name, headers, frame, ...(subclass ? { subclass: decodeURIComponent(subclass) } : {}) };
}

/** Collects plain events until one matches `stop` (inclusive). */
export async function collectEvents(client: RawEslClient, stop: (event: PlainEvent) => boolean, timeoutMs = 5000): Promise<PlainEvent[]> {
  const events: PlainEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = await client.next(Math.max(1, deadline - Date.now()));
    if (!isEvent(frame)) continue;
    const event = asEvent(frame);
    events.push(event);
    if (stop(event)) return events;
  }
}

export const names = (events: PlainEvent[]): string[] => events.map((event) => (event.subclass ? `${event.name}:${event.subclass}` : event.name));
