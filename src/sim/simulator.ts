import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Channel } from './channel.js';
import { hangupChannel } from './channelOps.js';
import { APPLICATIONS } from './dialplanApps.js';
import type { CommandLogEntry, ConnectionInfo, EslConnection } from './eslConnection.js';
import { EventFactory } from './eventFactory.js';
import { EventHub } from './eventHub.js';
import { startInboundCall, type InboundCallOptions } from './inboundCall.js';
import { startInboundListener } from './inboundListener.js';
import { ModDb } from './modDb.js';
import { parseScenario, stationSchema, type ScenarioInput, type StationInput } from './scenario.js';
import { createSimClock } from './simClock.js';
import { ChannelRegistry, type SimContext } from './simContext.js';

const MAX_TRACKED = 10_000;

export interface HostPort {
  host: string;
  port: number;
}

export interface SimulatorOptions {
  /** Inbound ESL listener; port 0 picks a free port. Default 127.0.0.1:8021. */
  listen?: HostPort;
  password?: string;
  /** faxengine's outbound-socket server that inbound calls connect to. Default 127.0.0.1:8084. */
  dial?: HostPort;
  scenario?: ScenarioInput;
  /** Multiplies every simulated duration; overrides the scenario's. Default 1 (real time). */
  timeScale?: number;
  /** FreeSWITCH's 25 s first-command timeout, in real milliseconds. */
  firstCommandTimeoutMs?: number;
  hostname?: string;
  /** Connections whose command logs are kept for assertions (closed ones are forgotten beyond). Default 10,000. */
  keepConnections?: number;
}

export interface ChannelSummary {
  uuid: string;
  name: string;
  direction: 'inbound' | 'outbound';
  state: string;
  callState: string;
  answerState: string;
  hangupCause?: string;
  variables: Record<string, string>;
}

/** A simulated inbound call: its uuid and a promise of its final variables once destroyed. */
export interface InboundCallHandle {
  uuid: string;
  finished: Promise<ChannelSummary>;
}

export interface Simulator {
  readonly eslAddress: HostPort;
  readonly context: SimContext;
  startInboundCall(options: InboundCallOptions): InboundCallHandle;
  /** Sets or replaces the behaviour of the remote station with this number. */
  setStation(number: string, station: StationInput): void;
  setGatewayState(name: string, state: 'up' | 'down'): void;
  connections(): ConnectionInfo[];
  /** Commands received on one connection, by connection id or controlled channel uuid. */
  commandLog(idOrUuid: string): CommandLogEntry[];
  channels(): ChannelSummary[];
  /** Drops every client connection without notice (for reconnect tests). */
  killConnections(): void;
  /** Resolves when no channel is left (or rejects after `timeoutMs`). */
  waitForCalls(timeoutMs?: number): Promise<void>;
  eventsFired(): number;
  close(): Promise<void>;
}

export const summarize = (channel: Channel): ChannelSummary => ({
  uuid: channel.uuid,
  name: channel.name,
  direction: channel.direction,
  state: channel.runningState,
  callState: channel.callState,
  answerState: channel.answerState,
  ...(channel.hangupCause === undefined ? {} : { hangupCause: channel.hangupCause }),
  variables: Object.fromEntries(channel.variables),
});

/**
 * Starts a FreeSWITCH simulator: an inbound ESL listener plus a dialer for simulated inbound calls,
 * both speaking the Event Socket protocol of the reference byte for byte.
 */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const scenario = parseScenario(options.scenario);
  const host = options.hostname ?? hostname();
  const ctx: SimContext = {
    hub: new EventHub(),
    events: new EventFactory({ coreUuid: randomUUID(), hostname: host, switchname: host, ipv4: '127.0.0.1', ipv6: '::1' }),
    clock: createSimClock(options.timeScale ?? scenario.timeScale ?? 1),
    channels: new ChannelRegistry(),
    scenario,
    db: new ModDb(),
    applications: APPLICATIONS,
    startedAt: Date.now(),
  };
  const firstCommandTimeoutMs = options.firstCommandTimeoutMs ?? 25_000;
  const all: EslConnection[] = [];
  const keep = options.keepConnections ?? MAX_TRACKED;
  const track = (connection: EslConnection): void => {
    // Keep closed connections' command logs for assertions, but not forever in a long demo.
    if (all.length >= keep) all.splice(0, all.length, ...all.filter((known) => known.info().open).slice(-Math.ceil(keep / 2)));
    all.push(connection);
  };
  const listen = options.listen ?? { host: '127.0.0.1', port: 8021 };
  const listener = await startInboundListener(ctx, listen.host, listen.port, { password: options.password ?? 'ClueCon', firstCommandTimeoutMs }, track);
  const dial = options.dial ?? { host: '127.0.0.1', port: 8084 };

  return {
    eslAddress: { host: listen.host, port: listener.address().port },
    context: ctx,
    startInboundCall(call) {
      // A call may go to another faxengine than the simulator's default (several instances behind one node).
      const channel = startInboundCall(ctx, call, { ...(call.dial ?? dial), firstCommandTimeoutMs }, track);
      return { uuid: channel.uuid, finished: channel.destroyed.then(() => summarize(channel)) };
    },
    setStation(number, station) {
      scenario.stations[number] = stationSchema.parse(station);
    },
    setGatewayState(name, state) {
      const gateway = scenario.gateways[name];
      if (gateway) gateway.state = state;
    },
    connections: () => all.map((connection) => connection.info()),
    commandLog(idOrUuid) {
      const match = all.find((connection) => connection.id === idOrUuid || connection.info().channelUuid === idOrUuid);
      return match ? [...match.commands] : [];
    },
    channels: () => ctx.channels.list().map(summarize),
    killConnections() {
      for (const connection of all) connection.kill();
    },
    waitForCalls(timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`calls still live after ${timeoutMs} ms`)), timeoutMs);
        void ctx.channels.whenEmpty().then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    eventsFired: () => ctx.hub.eventsFired,
    async close() {
      for (const channel of ctx.channels.list()) void hangupChannel(ctx, channel, 'SYSTEM_SHUTDOWN');
      for (const connection of all) connection.kill();
      await listener.close();
    },
  };
}
