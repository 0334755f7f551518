import { connect } from 'node:net';
import type { ReadinessCheck } from '../api/routes/health.js';
import { splitHostPort } from '../config/hostPort.js';
import { freeswitchNodes } from '../config/freeswitchNodes.js';
import type { Config } from '../config/schema.js';

/** Whether a TCP connection to one of `addresses` opens within `timeoutMs`. */
export async function tcpReachable(addresses: Array<{ host: string; port: number }>, timeoutMs: number): Promise<boolean> {
  const results = await Promise.all(
    addresses.map(
      ({ host, port }) =>
        new Promise<boolean>((resolve) => {
          const socket = connect({ host, port });
          const done = (ok: boolean) => {
            socket.destroy();
            resolve(ok);
          };
          socket.setTimeout(timeoutMs, () => done(false));
          socket.once('connect', () => done(true));
          socket.once('error', () => done(false));
        }),
    ),
  );
  return results.some(Boolean);
}

/** Probes at most once per `ttlMs`: load balancers poll `/readyz` often, brokers need not see each poll. */
function cached(probe: () => Promise<boolean>, ttlMs: number): () => Promise<boolean> {
  let last: { at: number; result: Promise<boolean> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > ttlMs) last = { at: Date.now(), result: probe() };
    return last.result;
  };
}

/** Where the SMTP server is, from `smtp.url` or `smtp.host`/`smtp.port`; undefined when none is configured. */
function smtpAddress(smtp: Config['smtp']): { host: string; port: number } | undefined {
  if (smtp.url) {
    const url = new URL(smtp.url);
    return { host: url.hostname, port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : smtp.port };
  }
  return smtp.host ? { host: smtp.host, port: smtp.port } : undefined;
}

/** Each FreeSWITCH node's connections, and whether some node's are up. */
export interface FreeswitchStates {
  /** A call-control connection (some node's) is up. */
  control: () => boolean;
  /** A dialer connection (some node's) is up. */
  dialer: () => boolean;
  /** This node's call-control and dialer connections are both up. */
  node?: (name: string) => boolean;
}

/**
 * `/readyz`'s checks besides the event store: FreeSWITCH's event socket connections (required:
 * without them no fax is sent, and calls cannot be controlled; with several nodes, one node's
 * are enough, and each node is reported as `freeswitch.<name>`, ok when both its connections are
 * up) and, when configured, whether the Kafka brokers and the SMTP server accept a connection
 * (reported only: events and mail wait for them, faxes do not).
 */
export function readinessChecks(config: Config, freeswitch: FreeswitchStates): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    { name: 'freeswitchControl', check: freeswitch.control, required: true },
    { name: 'freeswitchDialer', check: freeswitch.dialer, required: true },
  ];
  const node = freeswitch.node;
  // The single-address shorthand keeps the answer it always gave.
  if (config.freeswitch.nodes && node) {
    for (const { name } of freeswitchNodes(config.freeswitch)) checks.push({ name: `freeswitch.${name}`, check: () => node(name), required: false });
  }
  if (config.kafka.brokers.length > 0) {
    const brokers = config.kafka.brokers.map((broker) => splitHostPort(broker));
    checks.push({ name: 'kafka', check: cached(() => tcpReachable(brokers, 2000), 5000), required: false });
  }
  const smtp = smtpAddress(config.smtp);
  if (smtp) checks.push({ name: 'smtp', check: cached(() => tcpReachable([smtp], 2000), 5000), required: false });
  return checks;
}
